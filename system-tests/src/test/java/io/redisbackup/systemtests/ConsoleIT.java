package io.redisbackup.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.redisbackup.testsupport.RedisServer;

/**
 * The console in a real headless Chromium against the running platform, as a user goes through it: sign in with a
 * token, see the instances of one's own projects, sign out. Saves the main pages' screenshots to docs/console/.
 */
class ConsoleIT extends SystemTest {

    @Test
    void aViewerSignsInSeesOnlyItsProjectsInstancesAndNoOtherHostIsAskedForAnything() throws Exception {
        try (RedisServer ours = RedisServer.start(); RedisServer theirs = RedisServer.start();
                Browser browser = Browser.open(1280, 800)) {
            String oursId = register(ours, "console-ours", "console-a");
            register(theirs, "console-theirs", "console-b");
            String viewer = token("viewer", "console-a");

            browser.go(platform.gateway() + "/console");
            browser.awaitPath("/console/sign-in");
            browser.visible(By.id("token")).sendKeys(viewer + "x");
            browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
            WebElement error = browser.visible(By.id("token-error"));
            assertEquals("That token is unknown, expired or revoked.", error.getText());
            assertEquals("true", browser.driver().findElement(By.id("token")).getDomAttribute("aria-invalid"));
            browser.screenshot("sign-in");

            signIn(browser, viewer);
            browser.awaitText("console-ours-" + ours.port());
            String page = browser.text();
            assertTrue(page.contains(oursId) && page.contains(ours.host() + ":" + ours.port()), page);
            assertFalse(page.contains("console-theirs"), "another project's instance is not listed");
            assertTrue(page.contains("(viewer)"), page);
            assertEquals(List.of("Sign out"), browser.driver().findElements(By.tagName("button")).stream()
                    .map(WebElement::getText).toList(), "a viewer sees no button but signing out");
            for (String address : browser.loadedFrom()) {
                assertTrue(address.startsWith(platform.gateway() + "/"), "loaded from another host: " + address);
            }
            browser.screenshot("instances");

            browser.driver().findElement(By.xpath("//button[text()='Sign out']")).click();
            browser.awaitPath("/console/sign-in");
            browser.go(platform.gateway() + "/console");
            browser.awaitPath("/console/sign-in");
        }
    }

    @Test
    void theInstancesPageIsUsableOnAPhonesWidth() throws Exception {
        try (RedisServer redis = RedisServer.start(); Browser browser = Browser.open(390, 844)) {
            register(redis, "console-narrow");
            browser.go(platform.gateway() + "/console/sign-in");
            signIn(browser, Platform.ADMIN_TOKEN);
            browser.awaitText("console-narrow-" + redis.port());
            Number pageWidth = (Number) browser.driver().executeScript("return document.documentElement.scrollWidth;");
            assertTrue(pageWidth.intValue() <= 390, "the page itself does not scroll sideways: " + pageWidth);
            browser.screenshot("instances-390px");
        }
    }

    private static void signIn(Browser browser, String token) {
        WebElement field = browser.visible(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
        browser.awaitPath("/console");
    }
}
