package io.redisbackup.apigateway.console;

import io.quarkus.security.identity.SecurityIdentity;
import io.redisbackup.apigateway.security.ApiTokenMechanism;
import io.redisbackup.apigateway.security.Caller;
import io.redisbackup.apigateway.security.Role;

/**
 * What every console page knows of its reader: a name to show, what it may do (a page shows no button its reader
 * may not use), and the session's CSRF value that the page's requests send back.
 */
public record ConsolePage(String actor, boolean operator, boolean admin, String csrf) {

    static ConsolePage of(SecurityIdentity identity, Caller caller) {
        String name = caller.actorName();
        return new ConsolePage(name == null ? identity.getPrincipal().getName() : name,
                identity.hasRole(Role.OPERATOR_NAME), identity.hasRole(Role.ADMIN_NAME),
                identity.getAttribute(ApiTokenMechanism.CSRF));
    }

    /** The role shown beside the name. */
    public String role() {
        return admin ? "admin" : operator ? "operator" : "viewer";
    }
}
