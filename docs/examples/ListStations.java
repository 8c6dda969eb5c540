// Lists the stations and the filters of a running stationd with the Java client of the `protocol`
// module. A single-file program, run from the repository root after `mvn -B -q -DskipTests package`
// (the daemon's jar holds the client and everything it needs):
//
//     java -cp daemon/target/stationd.jar docs/examples/ListStations.java target/run/stationd.sock
//
// The argument is the daemon's command socket (default: $STATIOND_SOCKET, else /run/stationd/stationd.sock).

import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import java.nio.file.Path;

public class ListStations {
    public static void main(String[] args) {
        String socket = args.length > 0 ? args[0]
                : System.getenv().getOrDefault("STATIOND_SOCKET", "/run/stationd/stationd.sock");
        try (StationClient client = StationClient.open(Path.of(socket))) {
            for (StaListAttr sta : client.list(ListQuery.ALL)) {
                System.out.println(sta.mac() + " " + sta.ipv4().getHostAddress() + " " + sta.ssid() + " " + sta.hostname());
            }
            for (StaListAttr filter : client.filterList()) {
                System.out.println("filter: group " + Integer.toUnsignedString(filter.groupId()) + " " + filter.mac());
            }
        }
    }
}
