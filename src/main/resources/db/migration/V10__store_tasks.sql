-- One-off tasks a server does to a store written by an older version (trial.TrialWords indexes the
-- hypotheses of trials stored before the word index existed), recorded once finished so that no later
-- start repeats them: finding the trials still to do reads every trial, seconds at a million.
CREATE TABLE store_task (
    name         VARCHAR(64)   PRIMARY KEY,
    finished_at  TIMESTAMP     NOT NULL
);
