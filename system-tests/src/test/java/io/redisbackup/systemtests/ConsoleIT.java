package io.redisbackup.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

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

            // its instance's page: the settings and the backups to read, nothing to send
            Map<String, String> backup = manualBackup(oursId);
            awaitTask(backup.get("taskId"), "SUCCEEDED", Duration.ofSeconds(60));
            browser.visible(By.linkText("console-ours-" + ours.port())).click();
            browser.awaitPath("/console/instances/" + oursId);
            browser.until(Duration.ofSeconds(30), d -> browser.text().contains("SUCCEEDED"));
            assertEquals(List.of("Sign out"), browser.driver().findElements(By.tagName("button")).stream()
                    .map(WebElement::getText).toList(), "a viewer's instance page has no button but signing out");
            assertTrue(browser.driver().findElements(By.linkText("Download")).isEmpty()
                    && browser.driver().findElements(By.linkText("Recover")).isEmpty()
                    && browser.driver().findElements(By.linkText("Change")).isEmpty(), "nor links to write actions");
            assertFalse(browser.driver().findElement(By.id("policy-enabled")).isEnabled(), "the settings are read only");
            browser.go(platform.gateway() + "/console");

            browser.driver().findElement(By.xpath("//button[text()='Sign out']")).click();
            browser.awaitPath("/console/sign-in");
            browser.go(platform.gateway() + "/console");
            browser.awaitPath("/console/sign-in");
        }
    }

    @Test
    void everyPageIsUsableOnAPhonesWidth() throws Exception {
        try (RedisServer redis = RedisServer.start(); Browser browser = Browser.open(390, 844)) {
            String instanceId = register(redis, "console-narrow");
            Map<String, String> backup = manualBackup(instanceId);
            awaitTask(backup.get("taskId"), "SUCCEEDED", Duration.ofSeconds(60));
            browser.go(platform.gateway() + "/console/sign-in");
            assertFitsTheWidth(browser, "sign-in");
            signIn(browser, Platform.ADMIN_TOKEN);
            browser.awaitText("console-narrow-" + redis.port());
            assertFitsTheWidth(browser, "instances");
            browser.screenshot("instances-390px");
            for (String page : List.of("/console/instances/" + instanceId, "/console/tasks",
                    "/console/tasks/" + backup.get("taskId"),
                    "/console/recover/" + instanceId + "/" + backup.get("backupId"), "/console/manage/new")) {
                browser.go(platform.gateway() + page);
                browser.visible(By.tagName("h1"));
                assertFitsTheWidth(browser, page);
            }
        }
    }

    /**
     * The page itself does not scroll sideways (a wide table may, inside its own box), and every field on it has a
     * label.
     */
    private static void assertFitsTheWidth(Browser browser, String page) {
        Number width = (Number) browser.driver().executeScript("return document.documentElement.scrollWidth;");
        assertTrue(width.intValue() <= 390, page + " is " + width + " px wide");
        Object unlabelled = browser.driver().executeScript("return Array.from(document.querySelectorAll("
                + "'input:not([type=hidden]), select, textarea')).filter(e => e.labels.length === 0 "
                + "&& !e.getAttribute('aria-label')).map(e => e.id || e.name);");
        assertEquals(List.of(), unlabelled, page + ": fields without a label");
    }

    @Test
    void anOperatorSetsTheAutomaticBackupBacksUpNowWatchesItSucceedAndDownloadsIt() throws Exception {
        try (RedisServer redis = RedisServer.start(); Browser browser = Browser.open(1280, 900)) {
            redis.call("SET", "console:key", "console value");
            String instanceId = register(redis, "console-guide");
            browser.go(platform.gateway() + "/console/sign-in");
            signIn(browser, token("operator", "*"));
            browser.visible(By.linkText("console-guide-" + redis.port())).click();
            browser.awaitPath("/console/instances/" + instanceId);

            // the automatic backup: Monday and Thursday, 02:00-03:00 in Shanghai, kept 5 days
            for (String day : List.of("MONDAY", "THURSDAY")) {
                WebElement box = browser.visible(By.id("day-" + day));
                if (!box.isSelected()) {
                    box.click();
                }
            }
            for (String day : List.of("TUESDAY", "WEDNESDAY", "FRIDAY", "SATURDAY", "SUNDAY")) {
                WebElement box = browser.driver().findElement(By.id("day-" + day));
                if (box.isSelected()) {
                    box.click();
                }
            }
            WebElement enabled = browser.driver().findElement(By.id("policy-enabled"));
            if (!enabled.isSelected()) {
                enabled.click();
            }
            new Select(browser.driver().findElement(By.id("policy-period"))).selectByVisibleText("02:00-03:00");
            new Select(browser.driver().findElement(By.id("policy-timezone"))).selectByVisibleText("Asia/Shanghai");
            WebElement retention = browser.driver().findElement(By.id("policy-retention"));
            retention.clear();
            retention.sendKeys("5");
            browser.driver().findElement(By.xpath("//form[@id='policy']//button[text()='Save']")).click();
            browser.visible(By.id("policy-saved"));

            browser.driver().navigate().refresh();
            browser.visible(By.id("policy"));
            for (String day : List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")) {
                assertEquals(day.equals("MONDAY") || day.equals("THURSDAY"),
                        browser.driver().findElement(By.id("day-" + day)).isSelected(), day + " after a reload");
            }
            assertEquals("02:00-03:00", new Select(browser.driver().findElement(By.id("policy-period")))
                    .getFirstSelectedOption().getText());
            assertEquals("Asia/Shanghai", new Select(browser.driver().findElement(By.id("policy-timezone")))
                    .getFirstSelectedOption().getText());
            assertEquals("5", browser.driver().findElement(By.id("policy-retention")).getDomProperty("value"));
            assertTrue(browser.visible(By.id("policy-next")).getText().contains("Asia/Shanghai"));

            // Backup Now, and the list follows the backup to its end without a reload
            Object marker = browser.driver().executeScript("window.notReloaded = true; return true;");
            assertEquals(Boolean.TRUE, marker);
            browser.visible(By.id("backup-now")).click();
            assertTrue(browser.visible(By.id("backup-notice")).getText().startsWith("Backup started."));
            browser.until(Duration.ofSeconds(60), d -> d.findElements(By.cssSelector("#backups .backup-status")).stream()
                            .anyMatch(cell -> cell.getText().equals("SUCCEEDED")));
            assertEquals(Boolean.TRUE, browser.driver().executeScript("return window.notReloaded === true;"),
                    "the page was not reloaded");
            browser.screenshot("instance");

            // Download: what the link gives is the RDB the API gives, byte for byte
            String href = browser.visible(By.linkText("Download")).getDomAttribute("href");
            String digest = (String) browser.driver().executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => crypto.subtle.digest('SHA-256', b))
                        .then(d => done(Array.from(new Uint8Array(d)).map(x => x.toString(16).padStart(2, '0')).join('')))
                        .catch(e => done('failed: ' + e));""", href);
            String backupId = href.replaceAll(".*/backups/([^/]+)/rdb", "$1");
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(io.redisbackup.testsupport.Gateway.withDefaults().download(backupId))), digest);
        }
    }

    @Test
    void anOperatorRecoversChosenKeysThenTheWholeInstanceAndWatchesTheTasksInTheTaskCenter() throws Exception {
        try (RedisServer redis = RedisServer.start(); Browser browser = Browser.open(1280, 900)) {
            redis.call("SET", "a", "1");
            redis.call("SET", "b", "2");
            redis.call("SET", "c", "3");
            String backedUp = redis.digest();
            String instanceId = register(redis, "console-recover");
            browser.go(platform.gateway() + "/console/sign-in");
            signIn(browser, token("operator", "*"));

            // the task center follows a backup from its start to its end without a reload
            browser.go(platform.gateway() + "/console/tasks?instanceId=" + instanceId);
            browser.visible(By.id("task-list"));
            browser.driver().executeScript("window.notReloaded = true;");
            Map<String, String> backup = manualBackup(instanceId);
            browser.until(Duration.ofSeconds(60), d -> d.findElements(
                    By.cssSelector("#task-list .task-status")).stream().anyMatch(c -> c.getText().equals("SUCCEEDED")));
            assertEquals(Boolean.TRUE, browser.driver().executeScript("return window.notReloaded === true;"));
            browser.screenshot("tasks");

            redis.call("SET", "a", "changed");
            redis.call("SET", "b", "changed");
            redis.call("SET", "c", "changed");
            browser.go(platform.gateway() + "/console/instances/" + instanceId);
            browser.visible(By.linkText("Recover")).click();
            browser.awaitPath("/console/recover/" + instanceId + "/" + backup.get("backupId"));
            assertTrue(browser.text().contains("the whole dataset of the instance is replaced"));
            browser.visible(By.id("mode-keys")).click();
            browser.visible(By.id("recover-keys")).sendKeys("a;b");
            browser.visible(By.id("recover-password")).sendKeys(redis.password() + "-wrong");
            browser.visible(By.id("recover-submit")).click();
            assertEquals("The password is not the instance's; nothing was done.",
                    browser.visible(By.id("password-error")).getText());
            assertEquals("changed", get(redis, "a"), "a wrong password changes nothing");
            browser.screenshot("recover");

            // the right one; the instance holds its writes until the page has shown the recovery under way
            redis.call("CLIENT", "PAUSE", "120000", "WRITE");
            try {
                browser.visible(By.id("recover-password")).sendKeys(redis.password());
                browser.visible(By.id("recover-submit")).click();
                browser.awaitPathUnder("/console/tasks/");
                browser.until(Duration.ofSeconds(60), d -> d.findElement(
                        By.id("instance-status")).getText().equals("Recovering Backup by Key"));
            } finally {
                redis.call("CLIENT", "UNPAUSE");
            }
            browser.until(Duration.ofSeconds(60), d -> d.findElement(
                    By.id("task-status")).getText().equals("SUCCEEDED")
                    && d.findElement(By.id("instance-status")).getText().equals("Running"));
            assertTrue(browser.visible(By.id("task-result")).getText().contains("Keys restored\n2"),
                    browser.visible(By.id("task-result")).getText());
            assertEquals(List.of("1", "2", "changed"), List.of(get(redis, "a"), get(redis, "b"), get(redis, "c")),
                    "the chosen keys are back, the other untouched");
            browser.screenshot("task");

            // the whole instance
            browser.go(platform.gateway() + "/console/recover/" + instanceId + "/" + backup.get("backupId"));
            browser.visible(By.id("mode-instance")).click();
            browser.visible(By.id("recover-password")).sendKeys(redis.password());
            browser.visible(By.id("recover-submit")).click();
            browser.awaitPathUnder("/console/tasks/");
            browser.until(Duration.ofSeconds(60), d -> d.findElement(
                    By.id("task-status")).getText().equals("SUCCEEDED"));
            assertEquals(backedUp, redis.digest(), "the instance holds the backed-up dataset again");
        }
    }

    @Test
    void anAdminRegistersAnInstanceChangesItAndRemovesIt() throws Exception {
        try (RedisServer redis = RedisServer.start(); Browser browser = Browser.open(1280, 900)) {
            browser.go(platform.gateway() + "/console/sign-in");
            signIn(browser, Platform.ADMIN_TOKEN);
            browser.visible(By.id("register")).click();
            browser.awaitPath("/console/manage/new");
            browser.visible(By.id("instance-name")).sendKeys("console-registered-" + redis.port());
            browser.visible(By.id("instance-host")).sendKeys(redis.host());
            WebElement port = browser.visible(By.id("instance-port"));
            port.clear();
            port.sendKeys(Integer.toString(redis.port()));
            browser.visible(By.id("instance-password")).sendKeys(redis.password() + "-wrong");
            browser.visible(By.id("instance-save")).click();
            assertTrue(browser.visible(By.id("instance-error")).getText().length() > 0, "the refusal is shown");
            browser.screenshot("register");
            browser.visible(By.id("instance-password")).sendKeys(redis.password());
            browser.visible(By.id("instance-save")).click();
            String path = browser.awaitPathUnder("/console/instances/");
            browser.awaitText("console-registered-" + redis.port());

            browser.visible(By.id("edit-instance")).click();
            WebElement name = browser.visible(By.id("instance-name"));
            name.clear();
            name.sendKeys("console-renamed-" + redis.port());
            browser.visible(By.id("instance-save")).click();
            browser.awaitPath(path);
            browser.awaitText("console-renamed-" + redis.port());

            browser.visible(By.id("remove-instance")).click();
            browser.driver().switchTo().alert().accept(); // the confirmation, answered from the keyboard's side
            browser.awaitPath("/console");
            browser.until(Duration.ofSeconds(10), d -> !browser.text().contains("console-renamed-" + redis.port()));
        }
    }

    private static String get(RedisServer redis, String key) {
        return new String((byte[]) redis.call("GET", key), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void signIn(Browser browser, String token) {
        WebElement field = browser.visible(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
        browser.awaitPath("/console");
    }
}
