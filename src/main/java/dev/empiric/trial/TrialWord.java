package dev.empiric.trial;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** One word of one trial's hypothesis, as {@link TrialWords} indexes them for search. */
@Entity
@Table(name = "trial_word")
@IdClass(TrialWord.Key.class)
@NamedQuery(name = TrialWord.NUMBERS, query = """
        select distinct w.number from TrialWord w where w.campaignId = :campaign and w.word like :prefix escape '!'""")
public class TrialWord extends PanacheEntityBase {

    static final String NUMBERS = "TrialWord.numbers";

    @Id
    @Column(name = "trial_id")
    public Long trialId;

    @Id
    public String word;

    @Column(name = "campaign_id", nullable = false)
    public Long campaignId;

    /** The trial's number in its campaign, so that a search needs no trial row to know which trials match. */
    public int number;

    /** The primary key: a word appears once per trial. */
    public static class Key implements Serializable {
        public Long trialId;
        public String word;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(trialId, key.trialId) && Objects.equals(word, key.word);
        }

        @Override
        public int hashCode() {
            return Objects.hash(trialId, word);
        }
    }
}
