-- A trials list filtered by one label or one specialist is shown in number order; with the number at the
-- end of these indexes the database reads a page in index order and stops after it, where it used to
-- read every matching trial and sort them (trial.TrialQuery#ordering names the filtered column first, as
-- H2 needs to see it). The wider index serves every query the narrower one did.
DROP INDEX trial_campaign_label_idx;
CREATE INDEX trial_campaign_label_idx ON trial (campaign_id, label, number);
DROP INDEX trial_campaign_specialist_idx;
CREATE INDEX trial_campaign_specialist_idx ON trial (campaign_id, specialist, number);
