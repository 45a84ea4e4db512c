-- The words of each trial's hypothesis, lower-cased, for the trials table's text search: a prefix
-- search on an index instead of a scan of every hypothesis (trial.TrialWords). Derived from the
-- trial table; trials of a database older than this table are indexed when the server starts.
CREATE TABLE trial_word (
    trial_id     BIGINT        NOT NULL REFERENCES trial (id),
    word         VARCHAR(40)   NOT NULL,
    campaign_id  BIGINT        NOT NULL,
    number       INTEGER       NOT NULL,
    PRIMARY KEY (trial_id, word)
);
-- A prefix of a word gives the numbers of the trials that have it without reading a trial row.
CREATE INDEX trial_word_search_idx ON trial_word (campaign_id, word, number);

-- A trial's children (the trial page, the table's parent filter).
CREATE INDEX trial_campaign_parent_idx ON trial (campaign_id, parent_number);

