package dev.onsale.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Who is where in the scalper run: bots packed on a few addresses, fans spread over many, none shared. */
class CrowdTest {

    @Test
    void fiveHundredBotsShareEightAddressesEvenly() {
        List<Crowd.Member> bots = Crowd.bots(500, 8);

        Map<InetAddress, Long> perAddress = bots.stream().collect(Collectors.groupingBy(Crowd.Member::address, Collectors.counting()));
        assertEquals(8, perAddress.size());
        assertEquals(Set.of("127.0.9.1", "127.0.9.2", "127.0.9.3", "127.0.9.4", "127.0.9.5", "127.0.9.6", "127.0.9.7", "127.0.9.8"),
                hosts(perAddress.keySet()));
        assertTrue(perAddress.values().stream().allMatch(n -> n == 62 || n == 63), perAddress.toString());
    }

    @Test
    void fiveThousandFansSpreadOverOneThousandAddressesFiveEach() {
        List<Crowd.Member> fans = Crowd.fans(5_000, 1_000);

        Map<InetAddress, Long> perAddress = fans.stream().collect(Collectors.groupingBy(Crowd.Member::address, Collectors.counting()));
        assertEquals(1_000, perAddress.size());
        assertTrue(perAddress.values().stream().allMatch(n -> n == 5));
        assertTrue(hosts(perAddress.keySet()).containsAll(Set.of("127.1.0.1", "127.1.0.250", "127.1.1.1", "127.1.3.250")));
        assertTrue(hosts(perAddress.keySet()).stream().noneMatch(host -> host.endsWith(".0") || host.endsWith(".255")));
    }

    @Test
    void noAddressOrUserIsSharedBetweenBotsAndFans() {
        List<Crowd.Member> bots = Crowd.bots(500, 8);
        List<Crowd.Member> fans = Crowd.fans(5_000, 1_000);

        Set<InetAddress> botAddresses = bots.stream().map(Crowd.Member::address).collect(Collectors.toSet());
        assertTrue(fans.stream().map(Crowd.Member::address).noneMatch(botAddresses::contains));
        Set<String> users = Stream.concat(bots.stream(), fans.stream()).map(Crowd.Member::userId).collect(Collectors.toSet());
        assertEquals(5_500, users.size());
        assertTrue(bots.stream().allMatch(bot -> bot.side() == Crowd.Side.BOTS));
        assertTrue(fans.stream().allMatch(fan -> fan.side() == Crowd.Side.FANS));
    }

    @Test
    void moreAddressesThanTheRangesHoldAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Crowd.bots(10, 251));
        assertThrows(IllegalArgumentException.class, () -> Crowd.fans(10, 250 * 250 + 1));
        assertThrows(IllegalArgumentException.class, () -> Crowd.bots(10, 0));
    }

    private static Set<String> hosts(Collection<InetAddress> addresses) {
        Set<String> hosts = new HashSet<>();
        addresses.forEach(address -> hosts.add(address.getHostAddress()));
        return hosts;
    }
}
