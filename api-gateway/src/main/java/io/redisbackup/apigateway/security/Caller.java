package io.redisbackup.apigateway.security;

import java.util.Set;
import java.util.UUID;

import io.quarkus.security.identity.SecurityIdentity;
import io.redisbackup.apigateway.service.ProjectNames;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.enterprise.context.RequestScoped;

/**
 * Who is calling, and which projects it sees. Whatever belongs to another project is absent for it: the services'
 * finders ask {@link #visible} and answer 404, and lists are filtered by {@link #projects()}.
 */
@RequestScoped
public class Caller {

    /** The identity attribute with the caller's projects: a {@code Set<String>}, {@code "*"} for all of them. */
    public static final String PROJECTS = "projects";
    /** The identity attribute with a name people recognise (a token's name). */
    public static final String ACTOR_NAME = "actorName";

    private final SecurityIdentity identity;
    /** What this request turned out to be about, for the audit trail: the first instance and backup found. */
    private UUID instanceId;
    private UUID backupId;
    private String project;
    /** What the audit trail adds to the request's action (a dry run), or null. */
    private String actionNote;

    public Caller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** Notes what the request is about (the first instance, backup and project named stay). */
    public void about(UUID instance, UUID backup, String inProject) {
        instanceId = instanceId == null ? instance : instanceId;
        backupId = backupId == null ? backup : backupId;
        project = project == null ? inProject : project;
    }

    /** Notes what kind of the request's action this was, for the audit trail: e.g. "dry run". */
    public void noteAction(String note) {
        actionNote = note;
    }

    public String actionNote() {
        return actionNote;
    }

    public UUID aboutInstance() {
        return instanceId;
    }

    public UUID aboutBackup() {
        return backupId;
    }

    public String aboutProject() {
        return project;
    }

    /** A name people recognise (the token's name), or null. */
    public String actorName() {
        return identity.isAnonymous() ? null : identity.getAttribute(ACTOR_NAME);
    }

    /** The projects the caller sees; {@code "*"} among them means every project. */
    public Set<String> projects() {
        Set<String> projects = identity.getAttribute(PROJECTS);
        return projects == null ? Set.of() : projects;
    }

    public boolean seesEveryProject() {
        return projects().contains(ProjectNames.ALL);
    }

    public boolean sees(String project) {
        return seesEveryProject() || projects().contains(project);
    }

    /** {@code thing} when the caller may see its project; else the same 404 as for something that does not exist. */
    public <T> T visible(T thing, String project, String what, Object id) {
        if (thing == null || !sees(project)) {
            throw ApiProblem.notFound(what, id);
        }
        return thing;
    }

    /** Refuses to put something into a project the caller does not see. */
    public void mayUse(String project) {
        if (!sees(project)) {
            throw new ApiProblem(403, "FORBIDDEN", "Forbidden", "Project '" + project + "' is not one of yours.");
        }
    }

    /** Who it is, for logs: the principal (e.g. {@code token:<id>}), never a secret. */
    public String principal() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
