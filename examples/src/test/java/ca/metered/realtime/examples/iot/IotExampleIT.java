package ca.metered.realtime.examples.iot;

import static org.assertj.core.api.Assertions.assertThat;

import ca.metered.realtime.client.it.RealServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IotExampleIT {
    @Test
    void backendSeesEveryDeviceThroughTheWildcardAndCommandsTheHotOne() {
        try (RealServer server = RealServer.start(0)) {
            IotExample.Result r = IotExample.run(server.url(), RealServer.SECRET_KEY, 3, 4);

            assertThat(r.readings()).isEqualTo(12);
            assertThat(r.acks()).isEqualTo(1);
            assertThat(r.commandsReceived()).isEqualTo(1);
            assertThat(r.intervalsMs()).isEqualTo(Map.of("sensor-1", 1000L, "sensor-2", 1000L, "sensor-3", 100L));
        }
    }
}
