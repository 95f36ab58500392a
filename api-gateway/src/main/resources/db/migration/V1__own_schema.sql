-- Flyway creates the schema; no other service reads or writes it.
comment on schema api_gateway is 'Owned by api-gateway: instances, backup policies and the outbox of commands.';
