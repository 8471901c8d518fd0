package dev.onsale.loadtest;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line of {@link LoadTest}; see {@link #USAGE}. */
record LoadTestOptions(String mode, Duration duration, Duration warmup, int rate, int concurrency, int users,
                       int addresses, int bots, int seats, Map<OnSaleMix.Action, Integer> mix, URI url,
                       Path template, Path codeJar, Path parameters, List<String> stackJavaOptions, Path stackLog,
                       int maxInFlight, Long stackPid, int churn, Duration quietWindow, Integer redisPort,
                       int botAddresses, int maxConcurrent, Duration session, String auth, Path jwtKeys) {

    static final String USAGE = """
            usage: scripts/loadtest [--mode onsale|seatmap|trivial|stadium|scalpers] [--duration 30s] [--warmup 5s]
                                    [--rate N | --concurrency N] [--users N] [--addresses N] [--seats N]
                                    [--mix seatmap=85,overlimit=3,queue=5,hold=3,stats=4,notfound=0]
                                    [--churn N] [--quiet-window 5s] [--url URL [--redis-port N]]
                                    [--bot-addresses N] [--max-concurrent N] [--session 60s] [--auth jwt|dev]
                                    [--stack-java-options "..."]
              --mode         onsale (default): the on-sale mix at 2,000 req/s; seatmap: seat-map reads only at
                             10,000 req/s (the goal); trivial: the gateway's own 404 (no function) at 10,000 req/s;
                             stadium: a 50,000-seat event (sections A-J, 100 rows of 50), its compact map read in a
                             closed loop (--concurrency, default 64) while --churn holds a second change seats; reports
                             read latency, how soon the map shows each hold and sale, Redis bytes and EVALSHA calls
                             per read, and the stack's DynamoDB Queries on the seats table (a full read is 250);
                             scalpers: one on-sale of --seats (2,000) behind its waiting room, --bots (500) scalper
                             accounts on --bot-addresses (8) at machine speed against --users (5,000) fans on
                             --addresses (1,000) at human pace, through the JWT-mode gateway, for --duration (3m) or
                             until sold out or every fan is done; reports who held and bought the seats, the peak
                             of live held seats per address, every refusal by code and rule, and the oversell check
              --duration     measured time, after --warmup (default 30s, 5s; scalpers: 3m, no warm-up); 500ms, 30s, 2m
              --rate         requests/s offered, open loop: latency counts from when each request was due
              --concurrency  closed loop instead: N virtual threads, each sending as soon as it has its answer
              --users        distinct fans reading the seat map, taken in turn (default 50,000: ~12 reads a
                             minute each at 10,000/s, under the per-user limit of 20; scalpers: 5,000 fans)
              --addresses    distinct source addresses 127.10.x.y the fans are spread over (default 1,024:
                             under the per-address limit of 600/min at 10,000/s; scalpers: 1,000)
              --bots         users over their limits, on addresses of their own (default 16; scalpers: 500)
              --seats        seats of the on-sale event (default 2,000)
              --mix          weights of: seatmap (a fan reads the seat map), overlimit (a bot reads it),
                             queue (join the waiting room of a second event, check in as it asks, read
                             its seat map once admitted), hold (a new buyer holds 1-4 random seats, then
                             confirms 80%, cancels 10%), stats (waiting-room stats), notfound (gateway 404)
              --url          a running stack (scripts/dev) instead of a stack of its own; it must be in dev
                             auth mode with dev admins (it creates two events)
              --stack-java-options  JVM options of the stack's own JVM, e.g. "-XX:StartFlightRecording=..."
              --max-in-flight       open loop: requests outstanding before the generator skips (and counts) one
              --stack-pid           with --url: the stack's process id, to report its CPU time per answer
              --churn        stadium: holds started a second, open loop (default 200), each by a new buyer, of 1-4
                             available seats, confirmed (60%) or cancelled (40%) 1-1.5 s later
              --quiet-window stadium: reads with no churn after the measured window, for the unchanged map's Redis
                             cost (default 5s; 0 skips it)
              --redis-port   stadium with --url: the stack's Redis port on 127.0.0.1 (its own stack's is in its log)
              --bot-addresses  scalpers: source addresses the bots share, 127.0.9.1 on (default 8); the fans'
                               --addresses are 127.1.x.y
              --max-concurrent scalpers: the waiting room's sessions at once (default 1,000: at the template's 100, the
                               500 bots ahead in line keep every fan out of a 3-minute sale)
              --session        scalpers: how long a waiting-room session lasts (default 60s)
              --auth           scalpers: jwt (default: bearer tokens of the local issuer; a stack of its own runs
                               in JWT mode, a --url stack must: scripts/dev --auth jwt) or dev (?user_id=)
              --jwt-keys       scalpers in JWT mode: the local issuer's key directory (default .onsale/jwt, as
                               scripts/dev --auth jwt and scripts/token use)
            """;

    /** The command line as picocli reads it: every value as written, turned into the options' types below. */
    @Command(name = "scripts/loadtest")
    static final class Arguments {
        @Option(names = "--mode", defaultValue = "onsale") String mode;
        @Option(names = "--duration") String duration;
        @Option(names = "--warmup", defaultValue = "5s") String warmup;
        @Option(names = "--rate") String rate;
        @Option(names = "--concurrency") String concurrency;
        @Option(names = "--users") String users;
        @Option(names = "--addresses") String addresses;
        @Option(names = "--bot-addresses") String botAddresses;
        @Option(names = "--max-concurrent") String maxConcurrent;
        @Option(names = "--session", defaultValue = "60s") String session;
        @Option(names = "--auth", defaultValue = "jwt") String auth;
        @Option(names = "--jwt-keys", defaultValue = dev.onsale.localstack.Main.DEFAULT_JWT_KEYS_DIR) Path jwtKeys;
        @Option(names = "--bots") String bots;
        @Option(names = "--seats") String seats;
        @Option(names = "--mix") String mix;
        @Option(names = "--url") String url;
        @Option(names = "--template", defaultValue = "template.yaml") Path template;
        @Option(names = "--code-jar", defaultValue = "functions/target/functions.jar") Path codeJar;
        @Option(names = "--parameters", defaultValue = "localstack/template-parameters.properties") Path parameters;
        @Option(names = "--stack-java-options") List<String> stackJavaOptions = new ArrayList<>();
        @Option(names = "--stack-log", defaultValue = "loadtest/target/loadtest-stack.log") Path stackLog;
        @Option(names = "--max-in-flight") String maxInFlight;
        @Option(names = "--stack-pid") String stackPid;
        @Option(names = "--churn") String churn;
        @Option(names = "--quiet-window", defaultValue = "5s") String quietWindow;
        @Option(names = "--redis-port") String redisPort;
    }

    /** The options {@code args} ask for; a bad one is an {@link IllegalArgumentException} naming it ({@link #USAGE} lists them). */
    static LoadTestOptions parse(String... args) {
        Arguments a = new Arguments();
        try {
            new CommandLine(a).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String mode = a.mode;
        Duration warmup = duration(a.warmup);
        Integer rate = positiveOrNull("--rate", a.rate);
        int concurrency = a.concurrency == null ? 0 : positive("--concurrency", a.concurrency);
        Duration duration = a.duration == null ? null : duration(a.duration);
        Integer users = positiveOrNull("--users", a.users);
        Integer addresses = a.addresses == null ? null : Math.min(positive("--addresses", a.addresses), 250 * 250);
        Integer bots = positiveOrNull("--bots", a.bots);
        int botAddresses = a.botAddresses == null ? 8 : Math.min(positive("--bot-addresses", a.botAddresses), Crowd.MAX_BOT_ADDRESSES);
        int maxConcurrent = a.maxConcurrent == null ? 1_000 : positive("--max-concurrent", a.maxConcurrent);
        Duration session = duration(a.session);
        String auth = a.auth;
        Path jwtKeys = a.jwtKeys;
        int seats = a.seats == null ? 2_000 : positive("--seats", a.seats);
        String mix = a.mix;
        URI url = a.url == null ? null : URI.create(a.url.endsWith("/") ? a.url.substring(0, a.url.length() - 1) : a.url);
        Path template = a.template;
        Path codeJar = a.codeJar;
        Path parameters = a.parameters;
        List<String> stackJavaOptions = new ArrayList<>();
        a.stackJavaOptions.forEach(value -> stackJavaOptions.addAll(Arrays.stream(value.trim().split("\\s+"))
                .filter(part -> !part.isEmpty()).toList()));
        Path stackLog = a.stackLog;
        int maxInFlight = a.maxInFlight == null ? 5_000 : positive("--max-in-flight", a.maxInFlight);
        Long stackPid = a.stackPid == null ? null : (long) positive("--stack-pid", a.stackPid);
        int churn = a.churn == null ? 200 : positive("--churn", a.churn);
        Duration quietWindow = duration(a.quietWindow);
        Integer redisPort = positiveOrNull("--redis-port", a.redisPort);
        Map<OnSaleMix.Action, Integer> weights = switch (mode) {
            case "onsale" -> mix("seatmap=85,overlimit=3,queue=5,hold=3,stats=4");
            case "seatmap" -> mix("seatmap=100");
            case "trivial" -> mix("notfound=100");
            case "stadium", "scalpers" -> mix("seatmap=100");
            default -> throw new IllegalArgumentException("--mode is onsale, seatmap, trivial, stadium or scalpers, not " + mode);
        };
        boolean scalpers = mode.equals("scalpers");
        if (scalpers && rate != null) {
            throw new IllegalArgumentException("--mode scalpers paces its actors itself: no --rate");
        }
        if (!auth.equals("jwt") && !auth.equals("dev")) {
            throw new IllegalArgumentException("--auth is jwt or dev, not " + auth);
        }
        if (session.toSeconds() < 1) {
            throw new IllegalArgumentException("--session is at least 1s");
        }
        duration = duration != null ? duration : scalpers ? Duration.ofMinutes(3) : Duration.ofSeconds(30);
        users = users != null ? users : scalpers ? 5_000 : 50_000;
        addresses = addresses != null ? addresses : scalpers ? 1_000 : 1_024;
        bots = bots != null ? bots : scalpers ? 500 : 16;
        if (mode.equals("stadium")) {
            if (rate != null) {
                throw new IllegalArgumentException("--mode stadium reads in a closed loop: give --concurrency, not --rate");
            }
            concurrency = concurrency == 0 ? 64 : concurrency;
        }
        if (mix != null) {
            weights = mix(mix);
        }
        int offered = rate != null ? rate : mode.equals("onsale") ? 2_000 : 10_000;
        return new LoadTestOptions(mode, duration, warmup, offered, concurrency, users, addresses, bots, seats, weights,
                url, template, codeJar, parameters, List.copyOf(stackJavaOptions), stackLog, maxInFlight, stackPid, churn,
                quietWindow, redisPort, botAddresses, maxConcurrent, session, auth, jwtKeys);
    }

    boolean openLoop() {
        return concurrency == 0;
    }

    static Map<OnSaleMix.Action, Integer> mix(String text) {
        Map<OnSaleMix.Action, Integer> weights = new EnumMap<>(OnSaleMix.Action.class);
        for (String part : text.split(",")) {
            String[] pair = part.trim().split("=");
            if (pair.length != 2) {
                throw new IllegalArgumentException("--mix wants name=weight,..., got " + part);
            }
            OnSaleMix.Action action;
            try {
                action = OnSaleMix.Action.valueOf(pair[0].trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--mix: unknown action " + pair[0] + " (seatmap, overlimit, queue, hold, stats, notfound)");
            }
            int weight = Integer.parseInt(pair[1].trim());
            if (weight < 0) {
                throw new IllegalArgumentException("--mix: negative weight " + part);
            }
            if (weight > 0) {
                weights.put(action, weight);
            }
        }
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("--mix needs a positive weight");
        }
        return weights;
    }

    static Duration duration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofMillis((long) (Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
            }
            if (value.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)) * 60);
            }
            return Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + text + " (e.g. 30s, 2m, 500ms)");
        }
    }

    private static Integer positiveOrNull(String option, String value) {
        return value == null ? null : positive(option, value);
    }

    private static int positive(String option, String value) {
        try {
            int number = Integer.parseInt(value.replace("_", "").replace(",", ""));
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException(option + " wants a positive whole number, got " + value);
    }
}
