-- Every instance belongs to a project; a caller sees only the instances, backups and tasks of its projects.
alter table instance add column project varchar(64) not null default 'default';
-- A backup keeps the project of its instance: backups outlive the instance they were taken of.
alter table backup add column project varchar(64);
update backup b set project = coalesce((select i.project from instance i where i.id = b.instance_id), 'default');
alter table backup alter column project set not null;
create index instance_by_project on instance (project);

-- API tokens: only a SHA-256 of the secret is kept (the secret has 256 random bits, shown once when made).
-- projects is '*' for every project, else the project names separated by ','.
create table api_token (
    id           uuid primary key,
    name         varchar(100) not null,
    role         varchar(16)  not null,
    projects     text         not null,
    secret_hash  varchar(64)  not null unique,
    created_at   timestamptz  not null,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
