package io.redisbackup.apigateway.client;

import java.util.List;

import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The task center's query API, as the gateway calls it, with the service credential the task center asks for. */
@Path("/tasks")
@RegisterRestClient(configKey = "task-center")
@ClientHeaderParam(name = "Authorization", value = "Bearer ${gateway.task-center-token}")
@Produces(MediaType.APPLICATION_JSON)
public interface TaskCenterApi {

    @GET
    Response list(@QueryParam("instanceId") String instanceId, @QueryParam("project") List<String> project,
            @QueryParam("type") List<String> type, @QueryParam("status") List<String> status,
            @QueryParam("since") String since, @QueryParam("until") String until, @QueryParam("page") String page,
            @QueryParam("size") String size);

    @GET
    @Path("/{id}")
    Response get(@PathParam("id") String id);
}
