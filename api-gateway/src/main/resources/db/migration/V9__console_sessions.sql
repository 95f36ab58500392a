-- Console sessions: the browser holds a random secret in an HttpOnly, SameSite=Strict cookie; only its SHA-256 is
-- kept here. A session lasts as long as the API token it was opened with, and at most until expires_at.
-- csrf is the per-session value every state-changing console request must send back in a header.
create table console_session (
    secret_hash varchar(64) primary key,
    token_id    uuid        not null references api_token (id) on delete cascade,
    csrf        varchar(64) not null,
    created_at  timestamptz not null,
    expires_at  timestamptz not null
);
create index console_session_by_expiry on console_session (expires_at);
