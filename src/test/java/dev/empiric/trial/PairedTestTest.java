package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The paired t-test a confirmation decides with, against textbook values of Student's t. */
@Tag("unit")
class PairedTestTest {

    @Test
    void theUpperTailMatchesTablesOfStudentsT() {
        // one-sided 5 % and 2.5 % critical values for df 1..5 and 10
        assertEquals(0.05, PairedTest.upperTail(6.313752, 1), 1e-6);
        assertEquals(0.025, PairedTest.upperTail(12.706205, 1), 1e-6);
        assertEquals(0.05, PairedTest.upperTail(2.919986, 2), 1e-6);
        assertEquals(0.025, PairedTest.upperTail(4.302653, 2), 1e-6);
        assertEquals(0.05, PairedTest.upperTail(2.353363, 3), 1e-6);
        assertEquals(0.05, PairedTest.upperTail(2.131847, 4), 1e-6);
        assertEquals(0.05, PairedTest.upperTail(2.015048, 5), 1e-6);
        assertEquals(0.001, PairedTest.upperTail(4.143700, 10), 1e-6);
        assertEquals(0.5, PairedTest.upperTail(0, 3), 1e-12);
        assertEquals(0.95, PairedTest.upperTail(-2.919986, 2), 1e-6, "the lower side");
        assertEquals(0.0, PairedTest.upperTail(Double.POSITIVE_INFINITY, 2));
    }

    @Test
    void theStatisticTestsTheMeanGainAboveMinDelta() {
        // digits, trial on top of the first keep: gains on three fresh seed sets
        PairedTest test = PairedTest.of(List.of(0.040, 0.0486, 0.0436), 0.002);
        assertEquals(3, test.pairs());
        assertEquals(2, test.degreesOfFreedom());
        assertEquals(0.044067, test.meanGain(), 1e-6);
        assertEquals(0.0043190, test.standardDeviation(), 1e-6);
        assertEquals((0.044067 - 0.002) / (0.0043190 / Math.sqrt(3)), test.t(), 1e-3);
        assertTrue(test.pValue() < 0.005, "p " + test.pValue());

        PairedTest noise = PairedTest.of(List.of(0.0151, -0.0084, -0.0050), 0.002);
        assertTrue(noise.pValue() > 0.5, "a mean gain below min_delta gives p above one half: " + noise.pValue());
    }

    @Test
    void identicalGainsAreCertainEitherWay() {
        assertEquals(0.0, PairedTest.of(List.of(0.01, 0.01), 0.002).pValue());
        assertEquals(1.0, PairedTest.of(List.of(0.001, 0.001), 0.002).pValue());
        assertEquals(0.5, PairedTest.of(List.of(0.002, 0.002), 0.002).pValue());
    }

    @Test
    void onePairHasNoSpreadToTestWith() {
        assertThrows(IllegalArgumentException.class, () -> PairedTest.of(List.of(0.05), 0.0));
    }
}
