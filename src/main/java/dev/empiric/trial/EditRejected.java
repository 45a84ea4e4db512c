package dev.empiric.trial;

/** A diff that cannot become a commit; {@link #label()} says why, for the trial's record. */
public class EditRejected extends Exception {

    private final Label label;

    public EditRejected(Label label, String message) {
        super(message);
        this.label = label;
    }

    public Label label() {
        return label;
    }
}
