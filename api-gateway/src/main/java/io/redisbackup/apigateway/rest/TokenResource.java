package io.redisbackup.apigateway.rest;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.redisbackup.apigateway.ApiToken;
import io.redisbackup.apigateway.security.Role;
import io.redisbackup.apigateway.service.ProjectNames;
import io.redisbackup.apigateway.service.TokenService;
import io.redisbackup.restproblems.ApiProblem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Tokens", description = "API tokens: who may call, with which role, on which projects")
public class TokenResource {

    private final TokenService tokens;

    public TokenResource(TokenService tokens) {
        this.tokens = tokens;
    }

    /** A token to make. */
    public record TokenRequest(
            @Schema(examples = "ci-backups") @NotBlank @Size(max = 100) String name,
            @Schema(description = "viewer, operator or admin", examples = "operator") @NotNull String role,
            @Schema(description = "The projects it sees, or [\"*\"] for all of them", examples = "[\"payments\"]")
            @NotEmpty @Size(max = 100) List<String> projects,
            @Schema(description = "When it stops working; never when left out") Instant expiresAt) {
    }

    /** A token as listed: never its secret. */
    public record TokenView(UUID id, String name, String role, List<String> projects, Instant createdAt,
            Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {

        static TokenView of(ApiToken token) {
            return new TokenView(token.id, token.name, token.role.apiName(), token.projectList(), token.createdAt,
                    token.expiresAt, token.revokedAt, token.lastUsedAt);
        }
    }

    /** A token just made, with its secret: shown this once, never again. */
    public record TokenCreated(UUID id, String name, String role, List<String> projects, Instant createdAt,
            Instant expiresAt, @Schema(description = "Send it as Authorization: Bearer <token>; shown only now")
            String token) {
    }

    @POST
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "Make an API token", description = "The answer holds the token, shown this once; only a "
            + "hash of it is kept.")
    @APIResponse(responseCode = "201", description = "Made; the body holds the token")
    @APIResponse(responseCode = "400", description = "Invalid fields, all named")
    public Response create(@Valid @NotNull TokenRequest body) {
        Role role = Role.ofApiName(body.role());
        List<ApiProblem.FieldError> errors = new java.util.ArrayList<>();
        if (role == null) {
            errors.add(new ApiProblem.FieldError("role", "must be viewer, operator or admin"));
        }
        boolean all = body.projects().contains(ProjectNames.ALL);
        if (all && body.projects().size() > 1) {
            errors.add(new ApiProblem.FieldError("projects", "is either [\"*\"] alone or a list of project names"));
        } else if (!all && !body.projects().stream().allMatch(ProjectNames::isValid)) {
            errors.add(new ApiProblem.FieldError("projects", "each " + ProjectNames.RULE));
        }
        if (body.expiresAt() != null && !body.expiresAt().isAfter(Instant.now())) {
            errors.add(new ApiProblem.FieldError("expiresAt", "must be in the future"));
        }
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "INVALID_REQUEST", "Invalid request", "Some fields are invalid.", errors);
        }
        TokenService.Issued issued = tokens.issue(body.name().strip(), role, body.projects(), body.expiresAt());
        ApiToken token = issued.token();
        return Response.created(URI.create("/api/v1/tokens/" + token.id))
                .entity(new TokenCreated(token.id, token.name, token.role.apiName(), token.projectList(),
                        token.createdAt, token.expiresAt, issued.secret()))
                .build();
    }

    @GET
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "List the API tokens", description = "Without their secrets; revoked ones too.")
    public List<TokenView> list() {
        return tokens.all().stream().map(TokenView::of).toList();
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Role.ADMIN_NAME)
    @Operation(summary = "Revoke an API token", description = "Refused by every gateway within a second.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", description = "No such token")
    public void revoke(@PathParam("id") UUID id) {
        tokens.revoke(id);
    }
}
