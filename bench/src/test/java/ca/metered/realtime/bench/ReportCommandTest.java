package ca.metered.realtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportCommandTest {
    @Test
    void aCellIsTheMedianWithTheRange() {
        assertThat(ReportCommand.cell(List.of(9.0, 5.9, 6.1))).isEqualTo("**6.10** (5.90–9)");
        assertThat(ReportCommand.cell(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo("**2.50** (1–4)");
        assertThat(ReportCommand.cell(List.of(200000.0))).isEqualTo("200,000");
    }
}
