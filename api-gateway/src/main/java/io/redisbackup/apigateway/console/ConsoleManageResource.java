package io.redisbackup.apigateway.console;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.redisbackup.apigateway.Backup;
import io.redisbackup.apigateway.Instance;
import io.redisbackup.apigateway.rest.InstanceRequest;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.BackupService;
import io.redisbackup.apigateway.service.InstanceService;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * An admin's changes in the console: registering an instance, changing one (its password asked again when host,
 * port, user or TLS change, as the API asks), removing one, deleting a backup. The API's checks, through its
 * services; each refusal is shown beside the field it concerns.
 */
@Path("/console/manage")
@Produces(MediaType.TEXT_HTML)
public class ConsoleManageResource {

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance instanceForm(ConsolePage page, InstanceForm form);

        static native TemplateInstance instanceFormCard(ConsolePage page, InstanceForm form);
    }

    /** The register or change form: what it holds, each field's error, and the request's. */
    public record InstanceForm(String id, String name, String host, String port, String username, boolean tls,
            String project, Map<String, String> errors, String error) {

        public boolean editing() {
            return id != null;
        }

        public String error(String field) {
            return errors.get(field);
        }

        static InstanceForm blank() {
            return new InstanceForm(null, "", "", "6379", "", false, "", Map.of(), null);
        }

        static InstanceForm of(Instance instance) {
            return new InstanceForm(instance.id.toString(), instance.name, instance.host,
                    Integer.toString(instance.port), instance.username == null ? "" : instance.username, instance.tls,
                    instance.project, Map.of(), null);
        }
    }

    private final InstanceService instances;
    private final BackupService backups;
    private final Validator validator;
    private final SecurityIdentity identity;
    private final Caller caller;

    public ConsoleManageResource(InstanceService instances, BackupService backups, Validator validator,
            SecurityIdentity identity, Caller caller) {
        this.instances = instances;
        this.backups = backups;
        this.validator = validator;
        this.identity = identity;
        this.caller = caller;
    }

    @GET
    @Path("/new")
    @RolesAllowed(Role.ADMIN_NAME)
    public TemplateInstance registerPage() {
        return Templates.instanceForm(page(), InstanceForm.blank());
    }

    /** Registers the instance (the gateway connects to it once first); then its page, or the form with errors. */
    @POST
    @RolesAllowed(Role.ADMIN_NAME)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response register(@FormParam("name") String name, @FormParam("host") String host,
            @FormParam("port") String port, @FormParam("username") String username,
            @FormParam("password") String password, @FormParam("tls") String tls,
            @FormParam("project") String project) {
        return save(null, name, host, port, username, password, tls, project);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.ADMIN_NAME)
    public TemplateInstance changePage(@PathParam("id") UUID id) {
        return Templates.instanceForm(page(), InstanceForm.of(instances.find(id)));
    }

    /** Changes the instance; a new endpoint needs the password with it. */
    @POST
    @Path("/{id}")
    @RolesAllowed(Role.ADMIN_NAME)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response change(@PathParam("id") UUID id, @FormParam("name") String name, @FormParam("host") String host,
            @FormParam("port") String port, @FormParam("username") String username,
            @FormParam("password") String password, @FormParam("tls") String tls,
            @FormParam("project") String project) {
        return save(id, name, host, port, username, password, tls, project);
    }

    /** Removes the instance (its backups stay, as through the API); then the instances. */
    @POST
    @Path("/{id}/remove")
    @RolesAllowed(Role.ADMIN_NAME)
    public Response remove(@PathParam("id") UUID id) {
        try {
            instances.remove(id);
        } catch (ApiProblem problem) {
            return Response.status(problem.status()).entity(problem.getMessage()).type(MediaType.TEXT_PLAIN).build();
        }
        return Response.ok().header("HX-Redirect", "/console").build();
    }

    /** Deletes a backup by a task; then its task's page. */
    @POST
    @Path("/backups/{backupId}/delete")
    @RolesAllowed(Role.ADMIN_NAME)
    public Response deleteBackup(@PathParam("backupId") UUID backupId) {
        Backup backup = backups.find(backupId);
        try {
            UUID taskId = backups.requestDeletion(backup.id);
            return Response.ok().header("HX-Redirect", "/console/tasks/" + taskId).build();
        } catch (ApiProblem problem) {
            return Response.status(problem.status()).entity(problem.getMessage()).type(MediaType.TEXT_PLAIN).build();
        }
    }

    private Response save(UUID id, String name, String host, String port, String username, String password,
            String tls, String project) {
        Map<String, String> errors = new LinkedHashMap<>();
        Integer portNumber = null;
        try {
            portNumber = Integer.valueOf(port == null ? "" : port.strip());
        } catch (NumberFormatException e) {
            errors.put("port", "must be a number from 1 to 65535");
        }
        // the limits and a cluster's seeds are set through the API; a change here keeps them
        InstanceRequest request = new InstanceRequest(name, null, host, portNumber == null ? 1 : portNumber,
                blank(username) ? null : username, blank(password) ? null : password, tls != null, null, null,
                blank(project) ? null : project.strip(), null, null);
        for (ConstraintViolation<InstanceRequest> violation : id == null
                ? validator.validate(request, InstanceRequest.Registration.class) : validator.validate(request)) {
            errors.putIfAbsent(violation.getPropertyPath().toString(), violation.getMessage());
        }
        String general = null;
        int status = 400;
        if (errors.isEmpty()) {
            try {
                Instance saved = id == null ? instances.register(request.toConnection())
                        : instances.change(id, request.toConnection());
                return Response.ok().header("HX-Redirect", "/console/instances/" + saved.id).build();
            } catch (ApiProblem problem) {
                status = problem.status();
                problem.errors().forEach(e -> errors.putIfAbsent(e.field(), e.message()));
                if ("PASSWORD_REQUIRED".equals(problem.code())) {
                    errors.put("password", problem.getMessage());
                } else if (problem.errors().isEmpty()) {
                    general = problem.getMessage();
                }
            }
        }
        InstanceForm form = new InstanceForm(id == null ? null : id.toString(), orEmpty(name), orEmpty(host),
                orEmpty(port), orEmpty(username), tls != null, orEmpty(project), errors, general);
        return Response.status(status).entity(Templates.instanceFormCard(page(), form)).build();
    }

    private ConsolePage page() {
        return ConsolePage.of(identity, caller);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
