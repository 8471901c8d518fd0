package dev.onsale.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The scalper run's pure parts: the address probe's verdict, its probes, seat picking, the options. */
class ScalperRunTest {

    private static final List<Crowd.Member> PROBES = ScalperRun.probes(8, 1_000);
    private static final List<Crowd.Member> PROBED = PROBES.subList(0, PROBES.size() - ScalperRun.REPEATS);

    @Test
    void probesCoverEveryBotAddressAndFanAddressesAcrossTheRange() {
        assertEquals(8 + 32 + ScalperRun.REPEATS, PROBES.size());
        assertEquals(40, PROBED.stream().map(Crowd.Member::address).distinct().count());
        assertEquals("127.1.0.1", PROBED.get(8).address().getHostAddress());
        assertEquals("127.1.3.250", PROBED.getLast().address().getHostAddress());
        assertTrue(PROBES.subList(PROBED.size(), PROBES.size()).stream().allMatch(p -> p.address().equals(Crowd.botAddress(0))));
        assertEquals(PROBES.size(), PROBES.stream().map(Crowd.Member::userId).distinct().count());
    }

    @Test
    void addressesCountedApartPass() {
        String verdict = ScalperRun.addressesApart(PROBED, reads(IntStream.range(0, 40).mapToObj(i -> 599L).toList()),
                reads(List.of(599L, 598L, 597L, 596L)));

        assertTrue(verdict.startsWith("apart: 40 of 40"), verdict);
    }

    @Test
    void addressesCountedAsOneFail() {
        String verdict = ScalperRun.addressesApart(PROBED, reads(IntStream.range(0, 40).mapToObj(i -> 599L - i).toList()),
                reads(List.of(559L, 558L, 557L, 556L)));

        assertTrue(verdict.startsWith("NOT APART: 1 of 40"), verdict);
    }

    @Test
    void anAddressWhoseCountDoesNotGoDownFails() {
        String verdict = ScalperRun.addressesApart(PROBED, reads(IntStream.range(0, 40).mapToObj(i -> 599L).toList()),
                reads(List.of(599L, 599L, 599L, 599L)));

        assertTrue(verdict.startsWith("NOT APART"), verdict);
    }

    @Test
    void noPerAddressPolicyIsNotChecked() {
        String verdict = ScalperRun.addressesApart(PROBED, List.of(Map.of("seatmap", 19L)), List.of(Map.of()));

        assertTrue(verdict.startsWith("NOT CHECKED"), verdict);
    }

    @Test
    void seatsArePickedFromTheAvailableOnlyAndDistinct() {
        char[] map = "SHAAHASA".toCharArray();

        int[] picked = Sale.pick(map, 8, new Random(1));
        Arrays.sort(picked);

        assertEquals("[3, 4, 6, 8]", Arrays.toString(picked));
        assertEquals(2, Sale.pick(map, 2, new Random(2)).length);
        assertEquals(0, Sale.pick("SSHH".toCharArray(), 4, new Random(3)).length);
    }

    @Test
    void scalpersDefaultToTheBenchmarksCrowdInJwtMode() {
        LoadTestOptions options = LoadTestOptions.parse("--mode", "scalpers");

        assertEquals(500, options.bots());
        assertEquals(8, options.botAddresses());
        assertEquals(5_000, options.users());
        assertEquals(1_000, options.addresses());
        assertEquals(2_000, options.seats());
        assertEquals("jwt", options.auth());
        assertEquals(1_000, options.maxConcurrent());
        assertEquals(java.time.Duration.ofSeconds(60), options.session());
        assertEquals(java.time.Duration.ofMinutes(3), options.duration());
        assertEquals(16, LoadTestOptions.parse("--mode", "onsale").bots());
    }

    private static List<Map<String, Long>> reads(List<Long> left) {
        return left.stream().map(n -> Map.of("seatmap", 19L, "seatmap-ip", n)).toList();
    }
}
