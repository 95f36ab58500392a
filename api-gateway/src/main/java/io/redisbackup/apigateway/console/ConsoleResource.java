package io.redisbackup.apigateway.console;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.apigateway.InstanceBackupPolicy;
import io.redisbackup.apigateway.RetentionCounts;
import io.redisbackup.apigateway.rest.BackupDownloads;
import io.redisbackup.apigateway.rest.BackupPolicyRequest;
import io.redisbackup.apigateway.rest.InstanceView;
import io.redisbackup.apigateway.security.ApiTokenMechanism;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.BackupPolicyService;
import io.redisbackup.apigateway.service.BackupService;
import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.contracts.BackupPolicy;
import io.redisbackup.restproblems.ApiProblem;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

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
        static native TemplateInstance signIn(String error, boolean oidc);

        static native TemplateInstance signedIn();

        static native TemplateInstance instances(ConsolePage page, List<InstanceRow> instances);

        static native TemplateInstance instance(ConsolePage page, InstanceView instance, ConsoleViews.PolicyForm form,
                List<ConsoleViews.BackupRow> backups, String zone, Notice notice);

        static native TemplateInstance policyForm(ConsolePage page, InstanceView instance,
                ConsoleViews.PolicyForm form);

        static native TemplateInstance backupList(ConsolePage page, InstanceView instance,
                List<ConsoleViews.BackupRow> backups, String zone, Notice notice);
    }

    /** A line above a list saying what an action did ({@code taskId} to follow), or why it was refused. */
    public record Notice(String text, String taskId, boolean error) {
    }

    /** An instance in the list: its newest backup, when its next automatic backup's period begins. */
    public record InstanceRow(InstanceView instance, String lastBackup, String nextBackup) {
    }

    /** The cookie that keeps a sign-in's state and PKCE verifier while the identity provider asks who it is. */
    static final String OIDC_COOKIE = "rbk_oidc";
    static final Duration SIGN_IN_WITHIN = Duration.ofMinutes(10);
    /** How long one event stream lasts. */
    static final Duration STREAM_FOR = Duration.ofMinutes(10);

    private final ConsoleSessions sessions;
    private final ConsoleOidc oidc;
    private final ConsoleEvents events;
    private final InstanceService instances;
    private final BackupPolicyService policies;
    private final BackupService backups;
    private final BackupDownloads downloads;
    private final SecurityIdentity identity;
    private final Caller caller;
    private final Clock clock;

    public ConsoleResource(ConsoleSessions sessions, ConsoleOidc oidc, ConsoleEvents events, InstanceService instances,
            BackupPolicyService policies, BackupService backups, BackupDownloads downloads, SecurityIdentity identity,
            Caller caller, Clock clock) {
        this.sessions = sessions;
        this.oidc = oidc;
        this.events = events;
        this.instances = instances;
        this.policies = policies;
        this.backups = backups;
        this.downloads = downloads;
        this.identity = identity;
        this.caller = caller;
        this.clock = clock;
    }

    @GET
    @Path("/sign-in")
    @PermitAll
    public TemplateInstance signInPage() {
        return Templates.signIn(null, oidc.enabled());
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
                        "That token is unknown, expired or revoked.", oidc.enabled())).build());
    }

    /**
     * Signing in through the identity provider: to its sign-in page, with the state and PKCE verifier the callback
     * must find again in a short-lived cookie (SameSite=Lax: the provider sends the browser back from its own site).
     */
    @GET
    @Path("/oidc/start")
    @PermitAll
    public Response oidcStart(@Context UriInfo uri) {
        if (!oidc.enabled()) {
            return Response.status(404).entity(Templates.signIn("Signing in through an identity provider is not "
                    + "set up here.", false)).build();
        }
        try {
            ConsoleOidc.Start start = oidc.start(callback(uri));
            return Response.seeOther(start.redirect()).cookie(new NewCookie.Builder(OIDC_COOKIE)
                    .value(start.state() + "." + start.verifier()).path(ApiTokenMechanism.CONSOLE + "/oidc")
                    .httpOnly(true).sameSite(NewCookie.SameSite.LAX).maxAge((int) SIGN_IN_WITHIN.toSeconds())
                    .secure(https(uri)).build()).build();
        } catch (ConsoleOidc.SignInFailed e) {
            return Response.status(502).entity(Templates.signIn(e.getMessage(), true)).build();
        }
    }

    /**
     * Where the identity provider sends the browser back: the state must be the one this browser was sent with;
     * the code is traded for the user's token, which opens a console session. The page then moves on to the
     * console by itself (the session cookie is SameSite=Strict, which a redirect that began on the provider's site
     * would not carry).
     */
    @GET
    @Path("/oidc/callback")
    @PermitAll
    public Response oidcCallback(@QueryParam("code") String code, @QueryParam("state") String state,
            @QueryParam("error") String error, @QueryParam("error_description") String description,
            @CookieParam(OIDC_COOKIE) String started, @Context UriInfo uri) {
        NewCookie done = new NewCookie.Builder(OIDC_COOKIE).value("").path(ApiTokenMechanism.CONSOLE + "/oidc")
                .httpOnly(true).sameSite(NewCookie.SameSite.LAX).maxAge(0).secure(https(uri)).build();
        String[] kept = started == null ? new String[0] : started.split("\\.", 2);
        String refusal = !oidc.enabled() ? "Signing in through an identity provider is not set up here."
                : error != null ? "The identity provider did not sign you in: " + (description != null ? description : error)
                : kept.length != 2 || state == null || !java.security.MessageDigest.isEqual(kept[0].getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII), state.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        ? "This sign-in was not started here, or took too long: sign in again."
                : code == null ? "The identity provider sent no code." : null;
        if (refusal != null) {
            return Response.status(401).cookie(done).entity(Templates.signIn(refusal, oidc.enabled())).build();
        }
        try {
            ConsoleOidc.SignedIn user = oidc.finish(code, kept[1], callback(uri));
            ConsoleSessions.Opened opened = sessions.openFor(user.principal(), user.actor(), user.role(),
                    user.projects(), user.until());
            return Response.ok(Templates.signedIn()).cookie(done,
                    cookie(opened.secret(), ConsoleSessions.LASTS, uri)).build();
        } catch (ConsoleOidc.SignInFailed e) {
            return Response.status(401).cookie(done).entity(Templates.signIn(e.getMessage(), true)).build();
        }
    }

    private static URI callback(UriInfo uri) {
        return uri.getBaseUriBuilder().path(ApiTokenMechanism.CONSOLE + "/oidc/callback").replaceQuery(null).build();
    }

    private static boolean https(UriInfo uri) {
        return "https".equals(uri.getRequestUri().getScheme());
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
        List<InstanceRow> rows = instances.all().stream().map(instance -> {
            BackupPolicy policy = policies.of(instance).policy();
            return new InstanceRow(InstanceView.of(instance), Backup.newestOf(instance.id)
                    .map(backup -> ConsoleViews.when(backup.createdAt.atZone(policy.timezone())) + " ("
                            + backup.status + ")").orElse("none"),
                    policy.nextWindow(clock.instant()).map(ConsoleViews::when).orElse("none planned"));
        }).toList();
        return Templates.instances(page(), rows);
    }

    /** An instance's "Backup and Recovery" page: its automatic backup, Backup Now, and its backups. */
    @GET
    @Path("/instances/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    public TemplateInstance instancePage(@PathParam("id") UUID id) {
        Instance instance = instances.find(id);
        InstanceBackupPolicy policy = policies.of(instance);
        return Templates.instance(page(), InstanceView.of(instance),
                ConsoleViews.PolicyForm.of(policy.policy(), false, clock.instant()),
                backupRows(instance, policy.policy().timezone()), policy.policy().timezone().getId(), null);
    }

    /** Saves the automatic backup's settings; the form again, read back, or with each invalid field's error. */
    @POST
    @Path("/instances/{id}/policy")
    @RolesAllowed(Role.OPERATOR_NAME)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response savePolicy(@PathParam("id") UUID id, @FormParam("enabled") String enabled,
            @FormParam("weekdays") List<String> weekdays, @FormParam("timePeriod") String timePeriod,
            @FormParam("timezone") String timezone, @FormParam("retentionDays") String retentionDays) {
        Instance instance = instances.find(id);
        List<String> days = weekdays == null ? List.of() : weekdays;
        Map<String, String> errors = new LinkedHashMap<>();
        Integer retention = null;
        try {
            retention = Integer.valueOf(retentionDays == null ? "" : retentionDays.strip());
        } catch (NumberFormatException e) {
            errors.put("retentionDays", "must be a whole number of days, from 1 to 730");
        }
        // the count rules and drills are set through the API; the console keeps them as they are
        InstanceBackupPolicy stored = policies.of(instance);
        RetentionCounts counts = stored.counts();
        try {
            BackupPolicy policy = new BackupPolicyRequest(enabled != null, days, timePeriod, timezone, retention,
                    counts.keepLast(), counts.keepDaily(), counts.keepWeekly(), counts.keepMonthly(),
                    stored.drill.name()).toPolicy();
            if (errors.isEmpty()) {
                BackupPolicy saved = policies.change(instance, policy, counts, stored.drill).policy();
                return Response.ok(Templates.policyForm(page(), InstanceView.of(instance),
                        ConsoleViews.PolicyForm.of(saved, true, clock.instant()))).build();
            }
        } catch (ApiProblem problem) {
            problem.errors().forEach(error -> errors.putIfAbsent(error.field(), error.message()));
        }
        return Response.status(400).entity(Templates.policyForm(page(), InstanceView.of(instance),
                ConsoleViews.PolicyForm.refused(enabled != null, days, timePeriod, timezone, retentionDays, errors,
                        policies.of(instance).policy(), clock.instant()))).build();
    }

    /** "Backup Now": a manual backup; the list again, saying which task takes it, or why it was refused. */
    @POST
    @Path("/instances/{id}/backups")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response backUpNow(@PathParam("id") UUID id) {
        Instance instance = instances.find(id);
        Notice notice;
        int status = 200;
        try {
            Backup backup = backups.requestManualBackup(id, null, null);
            notice = new Notice("Backup started.", backup.taskId.toString(), false);
        } catch (ApiProblem problem) {
            notice = new Notice(problem.getMessage(), problem.taskId() == null ? null : problem.taskId().toString(),
                    true);
            status = problem.status();
        }
        ZoneId zone = policies.of(instance).policy().timezone();
        return Response.status(status).entity(Templates.backupList(page(), InstanceView.of(instance),
                backupRows(instance, zone), zone.getId(), notice)).build();
    }

    /** The backup list alone: what the page asks for again while a backup is under way. */
    @GET
    @Path("/instances/{id}/backups")
    @RolesAllowed(Role.VIEWER_NAME)
    public TemplateInstance backupList(@PathParam("id") UUID id) {
        Instance instance = instances.find(id);
        ZoneId zone = policies.of(instance).policy().timezone();
        return Templates.backupList(page(), InstanceView.of(instance), backupRows(instance, zone), zone.getId(), null);
    }

    /** The backup as a standard RDB file, checked while it is sent: the API's download. */
    @GET
    @Path("/backups/{id}/rdb")
    @RolesAllowed(Role.OPERATOR_NAME)
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response download(@PathParam("id") UUID id) throws IOException {
        return downloads.of(id);
    }

    /**
     * The changes the caller's pages may show, as server-sent events: for each, an event named by its kind
     * ({@code task}, {@code instance}) and one named by the thing itself ({@code task-<id>}), with its id as data.
     * A stream ends after {@link #STREAM_FOR} (the browser opens it again, and is asked who it is again).
     */
    @GET
    @Path("/events")
    @RolesAllowed(Role.VIEWER_NAME)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(@Context Sse sse) {
        Multi<OutboundSseEvent> changes = events.of(Set.copyOf(caller.projects())).onItem()
                .transformToMultiAndConcatenate(change -> Multi.createFrom().items(
                        sse.newEventBuilder().name(change.kind()).data(change.id().toString()).build(),
                        sse.newEventBuilder().name(change.kind() + "-" + change.id()).data(change.id().toString())
                                .build()));
        Multi<OutboundSseEvent> keepAlive = Multi.createFrom().ticks().every(ConsoleEvents.KEEP_ALIVE)
                .onOverflow().drop().map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        return Multi.createBy().merging().streams(changes, keepAlive).select().first(STREAM_FOR);
    }

    private static List<ConsoleViews.BackupRow> backupRows(Instance instance, ZoneId zone) {
        return Backup.ofInstance(instance.id).stream().map(backup -> ConsoleViews.BackupRow.of(backup, zone)).toList();
    }

    private ConsolePage page() {
        return ConsolePage.of(identity, caller);
    }

    /** The session cookie: HttpOnly, SameSite=Strict, only for the console's paths, Secure over HTTPS. */
    private static NewCookie cookie(String value, Duration lasts, UriInfo uri) {
        return new NewCookie.Builder(ConsoleSessions.COOKIE).value(value).path(ApiTokenMechanism.CONSOLE)
                .httpOnly(true).sameSite(NewCookie.SameSite.STRICT)
                .secure(https(uri)).maxAge((int) lasts.toSeconds()).build();
    }
}
