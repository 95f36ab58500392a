-- A console session opened by the identity provider's sign-in stands for that user rather than for an API token:
-- its principal (oidc:<subject>), role, projects ('*' or names separated by ',') and name are kept with it.
alter table console_session alter column token_id drop not null;
alter table console_session add column principal varchar(300);
alter table console_session add column role varchar(16);
alter table console_session add column projects text;
alter table console_session add column actor varchar(200);
alter table console_session add constraint console_session_of_someone
    check (token_id is not null or (principal is not null and role is not null and projects is not null));
