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

    @Test
    void aUnitTheLabelAlreadyNamesIsNotRepeated() {
        assertThat(ReportCommand.rowLabel("server CPU", "s")).isEqualTo("server CPU (s)");
        assertThat(ReportCommand.rowLabel("whole machine busy while connecting (cores)", "cores"))
                .isEqualTo("whole machine busy while connecting (cores)");
        assertThat(ReportCommand.rowLabel("other processes' CPU meanwhile (cores busy)", "cores"))
                .isEqualTo("other processes' CPU meanwhile (cores busy)");
        assertThat(ReportCommand.rowLabel("deliveries/s", "1/s")).isEqualTo("deliveries/s");
        assertThat(ReportCommand.rowLabel("frames", "")).isEqualTo("frames");
    }

    @Test
    void aFigureOnlyOneServerHasStandsAfterTheFigureItFollowedThere() {
        List<String> nats = List.of("time", "cpu", "generator", "rss");
        List<String> rms = List.of("time", "cpu", "jit", "generator", "rss", "heap");

        assertThat(ReportCommand.rowOrder(List.of(nats, rms)))
                .containsExactly("time", "cpu", "jit", "generator", "rss", "heap");
        assertThat(ReportCommand.rowOrder(List.of(rms, nats)))
                .containsExactly("time", "cpu", "jit", "generator", "rss", "heap");
        assertThat(ReportCommand.rowOrder(List.of(List.of("b", "c"), List.of("a", "b"))))
                .containsExactly("a", "b", "c");
    }
}
