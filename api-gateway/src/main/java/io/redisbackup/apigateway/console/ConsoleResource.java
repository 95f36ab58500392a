package io.redisbackup.apigateway.console;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.rest.InstanceView;
import io.redisbackup.apigateway.security.ApiTokenMechanism;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.InstanceService;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * The web console: pages rendered on the server (Qute) that call the gateway's own services, with htmx for the
 * parts that change in place. Who may do what is the API's rule: the same roles on the same services, the session
 * standing for the API token it was opened with ({@link ConsoleSessions}, checked by {@link ApiTokenMechanism}).
 */
@Path(ApiTokenMechanism.CONSOLE)
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance signIn(String error);

        static native TemplateInstance instances(ConsolePage page, List<InstanceRow> instances);
    }

    /** An instance in the list, with its newest backup (or null). */
    public record InstanceRow(InstanceView instance, Backup lastBackup) {
    }

    private final ConsoleSessions sessions;
    private final InstanceService instances;
    private final SecurityIdentity identity;
    private final Caller caller;

    public ConsoleResource(ConsoleSessions sessions, InstanceService instances, SecurityIdentity identity,
            Caller caller) {
        this.sessions = sessions;
        this.instances = instances;
        this.identity = identity;
        this.caller = caller;
    }

    @GET
    @Path("/sign-in")
    @PermitAll
    public TemplateInstance signInPage() {
        return Templates.signIn(null);
    }

    /** Opens a session for a valid API token and goes to the instances; else the form again, saying why. */
    @POST
    @Path("/sign-in")
    @PermitAll
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("token") String token, @Context UriInfo uri) {
        return sessions.open(token)
                .map(opened -> Response.seeOther(URI.create(ApiTokenMechanism.CONSOLE))
                        .cookie(cookie(opened.secret(), ConsoleSessions.LASTS, uri)).build())
                .orElseGet(() -> Response.status(Response.Status.UNAUTHORIZED).entity(Templates.signIn(
                        "That token is unknown, expired or revoked.")).build());
    }

    /** Ends the session: the cookie is dropped and the browser sent to sign in. */
    @POST
    @Path("/sign-out")
    @RolesAllowed(Role.VIEWER_NAME)
    public Response signOut(@CookieParam(ConsoleSessions.COOKIE) String secret, @Context UriInfo uri) {
        sessions.close(secret);
        return Response.noContent().header("HX-Redirect", ApiTokenMechanism.SIGN_IN)
                .cookie(cookie("", Duration.ZERO, uri)).build();
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public TemplateInstance instancesPage() {
        List<InstanceRow> rows = instances.all().stream().map(instance -> new InstanceRow(InstanceView.of(instance),
                Backup.ofInstance(instance.id).stream().findFirst().orElse(null))).toList();
        return Templates.instances(page(), rows);
    }

    private ConsolePage page() {
        return ConsolePage.of(identity, caller);
    }

    /** The session cookie: HttpOnly, SameSite=Strict, only for the console's paths, Secure over HTTPS. */
    private static NewCookie cookie(String value, Duration lasts, UriInfo uri) {
        return new NewCookie.Builder(ConsoleSessions.COOKIE).value(value).path(ApiTokenMechanism.CONSOLE)
                .httpOnly(true).sameSite(NewCookie.SameSite.STRICT)
                .secure("https".equals(uri.getRequestUri().getScheme())).maxAge((int) lasts.toSeconds()).build();
    }
}
