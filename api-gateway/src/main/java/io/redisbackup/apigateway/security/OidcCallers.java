package io.redisbackup.apigateway.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.redisbackup.apigateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Makes the holder of an identity provider's JWT a caller like a token's holder: principal {@code oidc:<subject>},
 * the strongest of viewer, operator and admin found in {@code gateway.oidc.roles-claim} (with every weaker one), and
 * the projects of {@code gateway.oidc.projects-claim}. Roles the provider itself names are not kept: a JWT without
 * one of ours may call nothing.
 */
@ApplicationScoped
public class OidcCallers implements SecurityIdentityAugmentor {

    private final String[] rolesClaim;
    private final String[] projectsClaim;

    public OidcCallers(GatewayConfig config) {
        this.rolesClaim = config.oidc().rolesClaim().split("/");
        this.projectsClaim = config.oidc().projectsClaim().split("/");
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        Role role = values(jwt, rolesClaim).stream().map(Role::ofApiName).filter(r -> r != null)
                .max(Enum::compareTo).orElse(null);
        Set<String> projects = new LinkedHashSet<>();
        values(jwt, projectsClaim).forEach(project -> projects.add(project.startsWith("/") ? project.substring(1) : project));
        String name = jwt.getClaim("preferred_username");
        QuarkusSecurityIdentity.Builder caller = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal("oidc:" + jwt.getSubject()))
                .addCredentials(identity.getCredentials())
                .addAttribute(Caller.PROJECTS, Set.copyOf(projects))
                .addAttribute(Caller.ACTOR_NAME, name == null ? jwt.getSubject() : name);
        if (role != null) {
            caller.addRoles(role.granted());
        }
        return Uni.createFrom().item(caller.build());
    }

    /** The strings at a claim path: one string, an array of them, or a set (such as {@code groups}). */
    static Set<String> values(JsonWebToken jwt, String[] path) {
        Object value = jwt.getClaim(path[0]);
        for (int i = 1; i < path.length && value != null; i++) {
            value = value instanceof JsonObject object ? object.get(path[i]) : null;
        }
        Set<String> values = new LinkedHashSet<>();
        if (value instanceof JsonArray array) {
            array.forEach(item -> add(values, item));
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(item -> add(values, item));
        } else if (value != null) {
            add(values, value);
        }
        return values;
    }

    private static void add(Set<String> values, Object item) {
        if (item instanceof JsonString string) {
            values.add(string.getString());
        } else if (item instanceof String string) {
            values.add(string);
        } else if (item instanceof JsonValue) {
            values.add(item.toString());
        }
    }
}
