CREATE TABLE jobs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        text        NOT NULL,
  payload     jsonb       NOT NULL DEFAULT '{}',
  state       text        NOT NULL DEFAULT 'queued',
  attempts    int         NOT NULL DEFAULT 0,
  run_at      timestamptz NOT NULL DEFAULT now(),
  locked_at   timestamptz
);
CREATE INDEX jobs_ready_idx ON jobs (run_at) WHERE state = 'queued';
