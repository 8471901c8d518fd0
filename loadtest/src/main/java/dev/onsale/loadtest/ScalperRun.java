package dev.onsale.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code --mode scalpers}: one on-sale behind its waiting room, scalper bots against fans. {@link Bot}s (many
 * accounts on a few source addresses, at machine speed) and {@link Fan}s (one account each, many addresses,
 * at human pace) go through the same gateway, signed in the same way (JWT mode by default). Reports the share
 * of the seats each side held at its peak and bought against its share of the accounts, the peak of live held
 * seats per source address, every refusal each side got by code and rule, and whether any seat was sold twice.
 *
 * <p>The run: the event is created, the source addresses are checked to be apart to the API, the waiting room
 * is switched on, the bots join at once and the fans over {@link #FAN_ARRIVAL_MS}; it ends at {@code --duration},
 * when every seat is sold, or when every fan has bought or given up. Then the room is switched off (so that an
 * auditor can read the map) and the oversell audit reads the seat map and every buyer's bookings.
 */
final class ScalperRun {

    /** Fans arrive over the first ten seconds: people open the page around the advertised time. */
    static final long FAN_ARRIVAL_MS = 10_000;
    /** Fan addresses probed besides every bot address, spread over the range. */
    private static final int FAN_ADDRESSES_PROBED = 32;
    private static final long PROBE_USERS_FROM = 8_000_000;
    private static final String ADMIN_USER = LoadTest.ADMIN_USER;
    private static final String AUDITOR_USER = "5000001";
    private static final InetAddress ADMIN_ADDRESS = OnSaleMix.loopback(9, 0, 1);
    private static final InetAddress AUDITOR_ADDRESS = OnSaleMix.loopback(9, 0, 2);

    private final LoadTestOptions options;
    /** The fans of the sale, for their outcomes. */
    private List<Fan> fanActors = List.of();

    private ScalperRun(LoadTestOptions options) {
        this.options = options;
    }

    static int run(LoadTestOptions options, String commandLine) throws IOException, InterruptedException {
        return new ScalperRun(options).run(commandLine);
    }

    /** How the sale ended, and the times it took. */
    record Ending(String reason, double saleSeconds, double setupSeconds, double auditSeconds) {}

    private int run(String commandLine) throws IOException, InterruptedException {
        String loadBefore = LoadTest.loadAverage();
        long runStart = System.nanoTime();
        boolean jwt = options.auth().equals("jwt");
        StackProcess stack = null;
        URI url = options.url();
        if (url == null) {
            System.err.println("== starting a local stack in " + options.auth() + " mode (log: " + options.stackLog() + ")");
            List<String> stackArguments = jwt
                    ? List.of("--auth", "jwt", "--jwt-keys", options.jwtKeys().toAbsolutePath().toString()) : List.of();
            stack = StackProcess.start(options.template(), options.codeJar(), options.parameters(),
                    options.stackJavaOptions(), stackArguments, options.stackLog(), Optional.empty());
            url = stack.url();
        }
        List<Crowd.Member> bots = Crowd.bots(options.bots(), options.botAddresses());
        List<Crowd.Member> fans = Crowd.fans(options.users(), options.addresses());
        List<Crowd.Member> probes = probes(options.botAddresses(), options.addresses());
        Credentials credentials = jwt ? Credentials.jwt(options.parameters(), options.jwtKeys(), Set.of(ADMIN_USER))
                : Credentials.dev();
        if (credentials instanceof Credentials.Jwt tokens) {
            long minting = System.nanoTime();
            tokens.mint(Stream.of(bots, fans, probes).flatMap(List::stream).map(Crowd.Member::userId).toList());
            System.err.printf("== %,d tokens minted in %.1f s%n", bots.size() + fans.size() + probes.size(),
                    (System.nanoTime() - minting) / 1e9);
        }
        try (HttpConnections http = new HttpConnections(url)) {
            long eventId = LoadTest.createEvent(http, ADMIN_ADDRESS, credentials, ADMIN_USER, "Load test: scalpers",
                    LoadTest.sections(options.seats()));
            String addressCheck = checkAddressesApart(http, credentials, eventId, probes);
            System.err.println("== event " + eventId + ", " + options.seats() + " seats; source addresses " + addressCheck);
            admin(http, credentials, "/api/v1/events/" + eventId + "/waiting-room/enable?max_concurrent="
                    + options.maxConcurrent() + "&session_duration=" + options.session().toSeconds());

            Sale sale = new Sale(http, credentials, eventId);
            double setupSeconds = (System.nanoTime() - runStart) / 1e9;
            long start = System.nanoTime();
            Ending ending = drive(sale, bots, fans, start, setupSeconds);
            String loadAfter = LoadTest.loadAverage();

            long auditing = System.nanoTime();
            admin(http, credentials, "/api/v1/events/" + eventId + "/waiting-room/disable");
            OversellAudit.Findings findings = new OversellAudit(http, AUDITOR_ADDRESS, AUDITOR_USER, credentials)
                    .read(eventId, sale.buyers());
            OversellCheck.Result audit = OversellAudit.check(findings);
            ending = new Ending(ending.reason(), ending.saleSeconds(), ending.setupSeconds(), (System.nanoTime() - auditing) / 1e9);

            report(System.out, commandLine, url, stack != null, eventId, addressCheck, sale, bots, fans, ending,
                    findings, audit, loadBefore, loadAfter);
            return audit.passed() ? 0 : 1;
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    private Ending drive(Sale sale, List<Crowd.Member> bots, List<Crowd.Member> fans, long start, double setupSeconds)
            throws InterruptedException {
        List<Thread> actors = new ArrayList<>(bots.size() + fans.size());
        for (Crowd.Member bot : bots) {
            actors.add(Thread.ofVirtual().name("bot-" + bot.index()).start(new Bot(sale, bot)));
        }
        List<Fan> fanActors = new ArrayList<>(fans.size());
        for (Crowd.Member member : fans) {
            Fan fan = new Fan(sale, member, ThreadLocalRandom.current().nextLong(FAN_ARRIVAL_MS));
            fanActors.add(fan);
            actors.add(Thread.ofVirtual().name("fan-" + member.index()).start(fan));
        }
        this.fanActors = fanActors;
        long end = start + options.duration().toNanos();
        OnSaleMix.Window window = new OnSaleMix.Window(start, end);
        ProgressBar progress = ProgressBar.start("scalpers", start, window, sale.stats, sale.inFlight);
        String reason = "--duration " + options.duration().toSeconds() + " s passed";
        try {
            while (System.nanoTime() < end) {
                Thread.sleep(200);
                sale.held.expire(Instant.now());
                if (sale.held.soldTotal() >= options.seats()) {
                    reason = "sold out";
                    break;
                }
                if (fanActors.stream().allMatch(Fan::done)) {
                    reason = "every fan bought or gave up";
                    break;
                }
            }
            double saleSeconds = (System.nanoTime() - start) / 1e9;
            sale.close();
            // each actor ends after its current request (a request gives up after 120 s)
            long joinUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(130);
            for (Thread actor : actors) {
                actor.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinUntil - System.nanoTime())));
            }
            sale.held.expire(Instant.now());
            return new Ending(reason, saleSeconds, setupSeconds, 0);
        } finally {
            progress.stop();
        }
    }

    /** Probe users reading again from the first bot address at once, to show its count going down. */
    static final int REPEATS = 4;

    /**
     * One user per probed address (every bot address, then {@link #FAN_ADDRESSES_PROBED} fan addresses spread
     * over the range), then {@link #REPEATS} more users on the first bot address.
     */
    static List<Crowd.Member> probes(int botAddresses, int fanAddresses) {
        List<Crowd.Member> probes = new ArrayList<>();
        for (int i = 0; i < botAddresses; i++) {
            probes.add(new Crowd.Member(Crowd.Side.BOTS, i, String.valueOf(PROBE_USERS_FROM + probes.size()), Crowd.botAddress(i)));
        }
        int probed = Math.min(FAN_ADDRESSES_PROBED, fanAddresses);
        for (int i = 0; i < probed; i++) {
            int address = probed == 1 ? 0 : (int) ((long) i * (fanAddresses - 1) / (probed - 1));
            probes.add(new Crowd.Member(Crowd.Side.FANS, address, String.valueOf(PROBE_USERS_FROM + probes.size()),
                    Crowd.fanAddress(address)));
        }
        for (int i = 0; i < REPEATS; i++) {
            probes.add(new Crowd.Member(Crowd.Side.BOTS, 0, String.valueOf(PROBE_USERS_FROM + probes.size()), Crowd.botAddress(0)));
        }
        return probes;
    }

    /**
     * Whether the API tells the source addresses apart, before the room is on: every probed address reads the
     * seat map once, all at the same moment, then {@link #REPEATS} more users read from the first address at once.
     * The per-address limit's {@code RateLimit} left must be the same fresh count on every address (one address
     * behind them all would count them all), and go down on the first address.
     */
    private static String checkAddressesApart(HttpConnections http, Credentials credentials, long eventId,
                                              List<Crowd.Member> probes) throws InterruptedException {
        int distinct = probes.size() - REPEATS;
        List<Map<String, Long>> first = readAll(http, credentials, eventId, probes.subList(0, distinct));
        List<Map<String, Long>> again = readAll(http, credentials, eventId, probes.subList(distinct, probes.size()));
        return addressesApart(probes.subList(0, distinct), first, again);
    }

    private static List<Map<String, Long>> readAll(HttpConnections http, Credentials credentials, long eventId,
                                                   List<Crowd.Member> probes) throws InterruptedException {
        List<Map<String, Long>> reads = new ArrayList<>(java.util.Collections.nCopies(probes.size(), Map.of()));
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            int index = i;
            Crowd.Member probe = probes.get(i);
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    HttpConnections.Response answer = http.get(probe.address(),
                            credentials.target("/api/v1/events/" + eventId + "/seats?format=compact", probe.userId()),
                            credentials.headers(probe.userId()));
                    reads.set(index, RateLimitField.remaining(answer.header("ratelimit")));
                } catch (IOException e) {
                    System.err.println("address probe from " + probe.address().getHostAddress() + " failed: " + e.getMessage());
                }
            }));
        }
        for (Thread reader : readers) {
            reader.join();
        }
        return reads;
    }

    /**
     * The verdict on the probe: {@code first.get(i)} is the RateLimit left after {@code probed.get(i)}'s one read,
     * {@code again} what the repeated reads from the first address left.
     */
    static String addressesApart(List<Crowd.Member> probed, List<Map<String, Long>> first, List<Map<String, Long>> again) {
        Optional<String> policy = first.stream().flatMap(read -> read.keySet().stream()).filter(name -> name.endsWith("-ip"))
                .findFirst();
        if (policy.isEmpty()) {
            return "NOT CHECKED: the seat map's RateLimit names no per-address (-ip) policy";
        }
        List<Long> left = first.stream().map(read -> read.getOrDefault(policy.get(), -1L)).toList();
        long fresh = left.stream().mapToLong(Long::longValue).max().orElse(-1);
        long apart = left.stream().filter(n -> n == fresh).count();
        long lowest = again.stream().mapToLong(read -> read.getOrDefault(policy.get(), Long.MAX_VALUE)).min().orElse(Long.MAX_VALUE);
        boolean counted = lowest <= fresh - 2;
        return String.format("%s: %d of %d probed addresses (%d bot, %d fan) each had %d left of \"%s\" after one read"
                        + " at the same moment; %d more reads from %s at once left %s",
                apart == probed.size() && counted ? "apart" : "NOT APART", apart, probed.size(),
                probed.stream().filter(p -> p.side() == Crowd.Side.BOTS).count(),
                probed.stream().filter(p -> p.side() == Crowd.Side.FANS).count(), fresh, policy.get(), again.size(),
                probed.getFirst().address().getHostAddress(), lowest == Long.MAX_VALUE ? "nothing readable" : String.valueOf(lowest));
    }

    private static void admin(HttpConnections http, Credentials credentials, String target) throws IOException {
        HttpConnections.Response answer = http.post(ADMIN_ADDRESS, credentials.target(target, ADMIN_USER), null,
                credentials.headers(ADMIN_USER));
        if (answer.status() != 200) {
            throw new IOException("POST " + target + " answered " + answer.status() + ": " + answer.text());
        }
    }

    private void report(PrintStream out, String commandLine, URI url, boolean ownStack, long eventId, String addressCheck,
                        Sale sale, List<Crowd.Member> bots, List<Crowd.Member> fans, Ending ending,
                        OversellAudit.Findings findings, OversellCheck.Result audit, String loadBefore, String loadAfter) {
        int seats = options.seats();
        int accounts = bots.size() + fans.size();
        LoadTest.header(out, options.mode(), commandLine, url, ownStack, loadBefore, loadAfter);
        out.printf("  sale      event %d, %,d seats behind its waiting room (%d sessions at once, %d s each), %s auth;"
                        + " %.0f s of sale (%s), %.0f s setup, %.0f s audit%n", eventId, seats, options.maxConcurrent(),
                options.session().toSeconds(), options.auth(), ending.saleSeconds(), ending.reason(), ending.setupSeconds(),
                ending.auditSeconds());
        out.printf("  bots      %,d accounts on %d addresses (127.0.9.x): check in every %d ms, %d ms between other requests,"
                        + " %d seats a hold, %d live holds, never give up%n", bots.size(), options.botAddresses(),
                Bot.POLL_MS, Bot.PAUSE_MS, Bot.MAX_SEATS_PER_BOOKING, Bot.LIVE_HOLDS);
        out.printf("  fans      %,d accounts on %,d addresses (127.1.x.y): arrive over %d s, check in when told, 1-4 seats,"
                        + " pay 3-10 s later, give up after %d refusals%n", fans.size(), options.addresses(),
                FAN_ARRIVAL_MS / 1000, Fan.PATIENCE);
        out.printf("  addresses %s%n", addressCheck);
        out.println();

        Map<String, Crowd.Side> sideOf = new HashMap<>();
        Stream.concat(bots.stream(), fans.stream()).forEach(member -> sideOf.put(member.userId(), member.side()));
        Map<Crowd.Side, int[]> bought = new EnumMap<>(Crowd.Side.class);
        for (Crowd.Side side : Crowd.Side.values()) {
            bought.put(side, new int[2]); // seats, bookings
        }
        findings.bookingsByUser().forEach((user, bookings) -> bookings.stream()
                .filter(booking -> booking.status().equals("CONFIRMED"))
                .forEach(booking -> {
                    int[] counts = bought.get(sideOf.getOrDefault(user, Crowd.Side.FANS));
                    counts[0] += booking.seatIds().size();
                    counts[1]++;
                }));
        int soldSeats = bought.values().stream().mapToInt(counts -> counts[0]).sum();
        out.printf("%-34s %22s %22s%n", "", "bots", "fans");
        out.printf("%-34s %22s %22s%n", "accounts", share(bots.size(), accounts), share(fans.size(), accounts));
        out.printf("%-34s %22s %22s%n", "seats held at peak (of the seats)", share(sale.held.peakHeld(Crowd.Side.BOTS), seats),
                share(sale.held.peakHeld(Crowd.Side.FANS), seats));
        out.printf("%-34s %22s %22s%n", "seats bought (of the seats)", share(bought.get(Crowd.Side.BOTS)[0], seats),
                share(bought.get(Crowd.Side.FANS)[0], seats));
        out.printf("%-34s %22s %22s%n", "seats bought (of those sold)", share(bought.get(Crowd.Side.BOTS)[0], soldSeats),
                share(bought.get(Crowd.Side.FANS)[0], soldSeats));
        out.printf("%-34s %,22d %,22d%n", "bookings confirmed", bought.get(Crowd.Side.BOTS)[1], bought.get(Crowd.Side.FANS)[1]);
        out.printf("%-34s %,22d %,22d%n", "seats still held at the end", sale.held.held(Crowd.Side.BOTS),
                sale.held.held(Crowd.Side.FANS));
        out.printf("%-34s %,22d %,22d%n", "waiting-room admissions", sale.admissions(Crowd.Side.BOTS),
                sale.admissions(Crowd.Side.FANS));
        out.printf("%-34s %,22d %,22d%n", "requests", sale.refusals.requests(Crowd.Side.BOTS),
                sale.refusals.requests(Crowd.Side.FANS));
        out.printf("%-34s %,22d %,22d%n", "refusals", sale.refusals.total(Crowd.Side.BOTS),
                sale.refusals.total(Crowd.Side.FANS));
        Map<Fan.Outcome, Long> outcomes = fanActors.stream().collect(Collectors.groupingBy(Fan::outcome,
                () -> new EnumMap<>(Fan.Outcome.class), Collectors.counting()));
        out.printf("fans: %s%n", outcomes.entrySet().stream()
                .map(entry -> entry.getKey().name().toLowerCase().replace('_', ' ') + " " + String.format("%,d", entry.getValue()))
                .collect(Collectors.joining(", ")));

        out.printf("%npeak of live held seats per source address:%n");
        Map<InetAddress, Integer> botPeaks = sale.held.peakByAddress(Crowd.Side.BOTS);
        for (int i = 0; i < options.botAddresses(); i++) {
            InetAddress address = Crowd.botAddress(i);
            long accountsThere = bots.stream().filter(bot -> bot.address().equals(address)).count();
            out.printf("  bots %-15s %,6d  (%d accounts)%n", address.getHostAddress(), botPeaks.getOrDefault(address, 0),
                    accountsThere);
        }
        Map<InetAddress, Integer> fanPeaks = sale.held.peakByAddress(Crowd.Side.FANS);
        fanPeaks.entrySet().stream().max(Map.Entry.<InetAddress, Integer>comparingByValue()
                        .thenComparing(entry -> entry.getKey().getHostAddress(), Comparator.reverseOrder()))
                .ifPresentOrElse(highest -> out.printf("  fans %-15s %,6d  (the highest of %,d fan addresses that held seats; %d accounts each)%n",
                                highest.getKey().getHostAddress(), highest.getValue(), fanPeaks.size(),
                                (fans.size() + options.addresses() - 1) / options.addresses()),
                        () -> out.println("  fans: no fan address held a seat"));

        out.printf("%nrefusals by code [rule] (answers of 400 or more, and waiting-room answers that send a caller back):%n");
        List<Refusals.Row> rows = sale.refusals.rows();
        int width = Math.max(30, rows.stream().mapToInt(row -> row.refusal().label().length()).max().orElse(0));
        out.printf("  %-" + width + "s %10s %10s  %s%n", "status code [rule]", "bots", "fans", "routes");
        for (Refusals.Row row : rows) {
            out.printf("  %-" + width + "s %,10d %,10d  %s%n", row.refusal().label(), row.bots(), row.fans(),
                    row.routes().stream().map(route -> route.label.replaceAll("\\s+", " ")).collect(Collectors.joining("; ")));
        }

        out.printf("%nroutes (both sides, the whole sale):%n");
        LoadTest.routeTable(out, sale.stats, ending.saleSeconds());
        out.println();
        out.printf("oversell check: %s: %,d seats (%,d sold, %,d held), %,d bookings of %,d buyers (%,d confirmed)%n",
                audit.passed() ? "PASSED, no seat sold twice" : "FAILED", audit.seats(), audit.sold(), audit.held(),
                audit.bookings(), findings.bookingsByUser().size(), audit.confirmed());
        audit.violations().forEach(violation -> out.println("  OVERSOLD: " + violation));
        audit.warnings().forEach(warning -> out.println("  note: " + warning));
        if (soldSeats != sale.held.soldTotal()) {
            out.printf("  note: the actors counted %,d seats confirmed; the audit's confirmed bookings have %,d%n",
                    sale.held.soldTotal(), soldSeats);
        }
    }

    /** "1,234 (61.7%)". */
    static String share(long part, long whole) {
        return String.format("%,d (%.1f%%)", part, whole == 0 ? 0.0 : 100.0 * part / whole);
    }
}
