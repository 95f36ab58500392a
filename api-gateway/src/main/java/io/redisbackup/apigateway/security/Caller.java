package io.redisbackup.apigateway.security;

import java.util.Set;

import io.quarkus.security.identity.SecurityIdentity;
import io.redisbackup.apigateway.service.ProjectNames;
import io.redisbackup.problems.ApiProblem;
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

    public Caller(SecurityIdentity identity) {
        this.identity = identity;
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
