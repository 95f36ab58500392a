package io.redisbackup.apigateway.console;

import java.net.URI;
import java.util.ArrayList;
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
import io.redisbackup.apigateway.rest.InstanceView;
import io.redisbackup.apigateway.rest.RecoveryRequest;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.BackupPolicyService;
import io.redisbackup.apigateway.service.BackupService;
import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.apigateway.service.RecoveryService;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Recovering from a backup in the console: the whole instance (the page says plainly that its dataset is replaced
 * and its service interrupted) or chosen keys, into the instance itself or another one, confirmed with the password
 * of the instance whose data is replaced; then the task's page. The API's rules and checks, through its service.
 */
@Path("/console/recover/{id}")
@Produces(MediaType.TEXT_HTML)
public class ConsoleRecoveryResource {

    /** Problems that concern the password field rather than the request as a whole. */
    private static final Set<String> PASSWORD_PROBLEMS = Set.of("WRONG_PASSWORD", "TOO_MANY_PASSWORD_ATTEMPTS");

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance recover(ConsolePage page, InstanceView instance, ConsoleViews.BackupRow backup,
                RecoverForm form);

        static native TemplateInstance recoverForm(ConsolePage page, InstanceView instance,
                ConsoleViews.BackupRow backup, RecoverForm form);
    }

    /** An instance to recover into. */
    public record Target(String value, String label, boolean selected) {
    }

    /** The form: what it holds, the instances it may recover into, each field's error and the request's. */
    public record RecoverForm(String mode, String keys, boolean safetyBackup, List<Target> targets,
            Map<String, String> errors, String error) {

        public String error(String field) {
            return errors.get(field);
        }

        public boolean keysMode() {
            return "KEYS".equals(mode);
        }
    }

    private final InstanceService instances;
    private final BackupService backups;
    private final BackupPolicyService policies;
    private final RecoveryService recoveries;
    private final SecurityIdentity identity;
    private final Caller caller;

    public ConsoleRecoveryResource(InstanceService instances, BackupService backups, BackupPolicyService policies,
            RecoveryService recoveries, SecurityIdentity identity, Caller caller) {
        this.instances = instances;
        this.backups = backups;
        this.policies = policies;
        this.recoveries = recoveries;
        this.identity = identity;
        this.caller = caller;
    }

    @GET
    @Path("/{backupId}")
    @RolesAllowed(Role.OPERATOR_NAME)
    public TemplateInstance recoverPage(@PathParam("id") UUID id, @PathParam("backupId") UUID backupId) {
        Instance instance = instances.find(id);
        return Templates.recover(ConsolePage.of(identity, caller), InstanceView.of(instance),
                backupRow(instance, backupId), new RecoverForm("KEYS", "", true, targets(instance, null), Map.of(), null));
    }

    /**
     * Asks for the recovery; then the task's page (htmx follows {@code HX-Redirect}, a plain form the redirect), or
     * the form again with each error beside what it concerns, nothing done.
     */
    @POST
    @RolesAllowed(Role.OPERATOR_NAME)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response recover(@PathParam("id") UUID id, @FormParam("backupId") String backupId,
            @FormParam("mode") String mode, @FormParam("keys") String keys,
            @FormParam("targetInstanceId") String targetInstanceId, @FormParam("password") String password,
            @FormParam("safetyBackup") String safetyBackup, @HeaderParam("HX-Request") String htmx) {
        Instance instance = instances.find(id);
        String target = targetInstanceId == null || targetInstanceId.isBlank() ? null : targetInstanceId;
        boolean safety = "true".equals(safetyBackup); // an unticked box is not sent
        try {
            RecoveryRequest.Checked request = RecoveryRequest.ofForm(backupId, password, mode,
                    "KEYS".equals(mode) ? (keys == null ? "" : keys) : null, safety, target).check();
            UUID taskId = recoveries.recover(id, request.backupId(), request.password(),
                    request.targetInstanceId() == null ? id : request.targetInstanceId(), request.keys(),
                    request.safetyBackup());
            URI task = URI.create("/console/tasks/" + taskId);
            return htmx != null ? Response.ok().header("HX-Redirect", task.toString()).build()
                    : Response.seeOther(task).build();
        } catch (ApiProblem problem) {
            Map<String, String> errors = new LinkedHashMap<>();
            problem.errors().forEach(e -> errors.putIfAbsent(e.field().equals("keyList") ? "keys" : e.field(),
                    e.message()));
            String general = null;
            if (PASSWORD_PROBLEMS.contains(problem.code())) {
                errors.put("password", problem.getMessage());
            } else if (problem.errors().isEmpty()) {
                general = problem.getMessage();
            }
            UUID backup = parse(backupId);
            return Response.status(problem.status()).entity(Templates.recoverForm(ConsolePage.of(identity, caller),
                    InstanceView.of(instance), backup == null ? null : backupRow(instance, backup),
                    new RecoverForm(mode, keys == null ? "" : keys, safety, targets(instance, target), errors,
                            general)))
                    .build();
        }
    }

    private ConsoleViews.BackupRow backupRow(Instance instance, UUID backupId) {
        Backup backup = backups.find(backupId);
        if (!backup.instanceId.equals(instance.id)) {
            throw ApiProblem.notFound("backup", backupId);
        }
        return ConsoleViews.BackupRow.of(backup, policies.of(instance).policy().timezone());
    }

    /** The instance itself first, then every other one the caller sees. */
    private List<Target> targets(Instance instance, String chosen) {
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("", instance.name + " (this instance)", chosen == null));
        instances.all().stream().filter(other -> !other.id.equals(instance.id)).forEach(other -> targets.add(
                new Target(other.id.toString(), other.name, other.id.toString().equals(chosen))));
        return targets;
    }

    private static UUID parse(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
