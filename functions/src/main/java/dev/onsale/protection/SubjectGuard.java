package dev.onsale.protection;

import dev.onsale.platform.Redis;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guard;
import dev.onsale.platform.Metrics;
import dev.onsale.platform.RedisScript;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every check of one subject on one route, made by ONE call of {@code guard.lua} in the subject's
 * hash slot: for a user, the cooling-off block, the bot rules' tripwires and the user's rate limits;
 * for an address, its rate limits. Answers 429 {@code rate_limit_exceeded} over a limit and 429
 * {@code cooling_off} while blocked, both with {@code Retry-After}, and adds the RateLimit headers to
 * every answer it sees.
 */
public final class SubjectGuard implements Guard {
    private static final System.Logger LOG = System.getLogger(SubjectGuard.class.getName());
    private static final String GUARD = RedisScript.text(SubjectGuard.class, "guard.lua");
    private static final String[] NO_ARGUMENTS = {};
    static final RedisScript COUNT = RedisScript.load(SubjectGuard.class, "count.lua");

    /** What the route does when Redis cannot answer: browsing goes on (fail open), booking waits (fail closed, 503). */
    public enum WhenRedisDown { OPEN, CLOSED }

    /** A tripwire that the route's answer feeds: {@code counts} picks the answers that count (e.g. a failed hold). */
    public record AnswerCount(Tripwire tripwire, Predicate<ApiResponse> counts) {
    }

    /**
     * Whom a user guard counts in a request ({@code userOf}), and the detail of the 401 it answers a request that
     * names no one: a per-user limit nobody is counted against would be no limit, so leaving the user out is no way around it.
     */
    public record Identity(Function<Guard.Request, Optional<String>> userOf, Function<Guard.Request, String> unnamed) {
        /** The signed-in user: the authorizer's {@code sub}. */
        public static final Identity SIGNED_IN = new Identity(Subject.USER::of, "Sign in to use this route");

        /** The same detail for every request that names no one. */
        public Identity(Function<Guard.Request, Optional<String>> userOf, String unnamed) {
            this(userOf, request -> unnamed);
        }
    }

    private final Subject subject;
    private final Identity identity;
    private final List<RateLimit> limits;
    private final List<Tripwire> tripwires;
    private final WhenRedisDown whenDown;
    private final Optional<AnswerCount> answerCount;
    /** guard.lua with this guard's settings prepended: calls then carry only keys. */
    private final RedisScript script;
    private final String policyHeader;
    /** Set when the limits are kept in this instance's memory ({@link #inInstance}): then the guard makes no Redis call. */
    private final InstanceLimiter inInstance;

    private SubjectGuard(Subject subject, Identity identity, List<RateLimit> limits, List<Tripwire> tripwires, CoolingOff coolingOff,
                         WhenRedisDown whenDown, Optional<AnswerCount> answerCount) {
        this(subject, identity, limits, tripwires, coolingOff, whenDown, answerCount, null);
    }

    private SubjectGuard(Subject subject, Identity identity, List<RateLimit> limits, List<Tripwire> tripwires, CoolingOff coolingOff,
                         WhenRedisDown whenDown, Optional<AnswerCount> answerCount, InstanceLimiter inInstance) {
        if (limits.stream().anyMatch(limit -> limit.subject() != subject)) {
            throw new IllegalArgumentException("every limit of a " + subject.label() + " guard must count " + subject.label());
        }
        answerCount.ifPresent(count -> {
            if (count.tripwire().kind() != Tripwire.Kind.PEEK || !tripwires.contains(count.tripwire())) {
                throw new IllegalArgumentException("an answer count feeds one of the guard's PEEK tripwires");
            }
        });
        this.subject = subject;
        this.identity = identity;
        this.limits = List.copyOf(limits);
        this.tripwires = List.copyOf(tripwires);
        this.whenDown = whenDown;
        this.answerCount = answerCount;
        this.script = RedisScript.of(settings(this.limits, this.tripwires, coolingOff) + GUARD);
        this.policyHeader = RateLimitHeaders.policy(this.limits);
        this.inInstance = inInstance;
    }

    /**
     * Rate limits kept in this function instance's memory, not in Redis (see {@link InstanceLimiter}): for a route
     * whose requests must cost Redis nothing. {@code identity} finds the user; null for an address's limits.
     */
    public static SubjectGuard inInstance(Subject subject, List<RateLimit> limits, Identity identity) {
        return new SubjectGuard(subject, identity, limits, List.of(), null, WhenRedisDown.OPEN, Optional.empty(), new InstanceLimiter());
    }

    /** A user's limits and bot rules; with tripwires the user can be blocked (and every request checks the block). */
    public static SubjectGuard forUser(List<RateLimit> limits, List<Tripwire> tripwires, CoolingOff coolingOff,
                                       WhenRedisDown whenDown, Optional<AnswerCount> answerCount) {
        return new SubjectGuard(Subject.USER, Identity.SIGNED_IN, limits, tripwires, coolingOff, whenDown, answerCount);
    }

    /**
     * A user's limits on a route that finds its user otherwise than by sign-in ({@code identity}, e.g. the holder of a
     * queue token); no bot rules, so no block.
     */
    public static SubjectGuard forUser(List<RateLimit> limits, Identity identity, WhenRedisDown whenDown) {
        return new SubjectGuard(Subject.USER, identity, limits, List.of(), null, whenDown, Optional.empty());
    }

    /** An address's limits: many fans may share it, so its quota is large and it has no bot rules. */
    public static SubjectGuard forIp(List<RateLimit> limits, WhenRedisDown whenDown) {
        return new SubjectGuard(Subject.IP, null, limits, List.of(), null, whenDown, Optional.empty());
    }

    private boolean blockable() {
        return !tripwires.isEmpty();
    }

    /** The Lua table {@code S} that guard.lua reads its settings from (see its header). */
    static String settings(List<RateLimit> limits, List<Tripwire> tripwires, CoolingOff coolingOff) {
        boolean blockable = !tripwires.isEmpty();
        StringBuilder lua = new StringBuilder("local S = {blockable = ").append(blockable).append(", cooling = {");
        if (blockable) {
            lua.append(coolingOff.first().toMillis()).append(", ").append(coolingOff.longest().toMillis())
                    .append(", ").append(coolingOff.strikesKept().toMillis());
        }
        lua.append("}, limits = {");
        for (RateLimit limit : limits) {
            lua.append('{').append(limit.emissionIntervalMicros()).append(", ").append(limit.burstMicros()).append("}, ");
        }
        lua.append("}, rules = {");
        for (Tripwire tripwire : tripwires) {
            lua.append("{'").append(tripwire.rule().id()).append("', '").append(tripwire.kind().script()).append("', ")
                    .append(tripwire.threshold()).append(", ").append(tripwire.spanArgument()).append("}, ");
        }
        return lua.append("}}\n").toString();
    }

    /** The id this guard counts in {@code request}: its user as the route identifies users, or its address. */
    private Optional<String> idOf(Request request) {
        return subject == Subject.USER ? identity.userOf().apply(request) : subject.of(request);
    }

    @Override
    public Optional<Redis.ScriptCall> prepare(Request request) {
        if (inInstance != null) {
            return Optional.empty();
        }
        return idOf(request).map(id -> new Redis.ScriptCall(script, Redis.Reply.LIST, keys(id), NO_ARGUMENTS));
    }

    String[] keys(String id) {
        int offset = blockable() ? 2 : 0;
        String[] keys = new String[offset + limits.size() + tripwires.size()];
        if (blockable()) {
            keys[0] = ProtectionKeys.block(id);
            keys[1] = ProtectionKeys.strikes(id);
        }
        for (int i = 0; i < limits.size(); i++) {
            keys[offset + i] = ProtectionKeys.limit(subject, id, limits.get(i).policy());
        }
        for (int i = 0; i < tripwires.size(); i++) {
            keys[offset + limits.size() + i] = ProtectionKeys.antibot(tripwires.get(i).counter(), id);
        }
        return keys;
    }

    @Override
    public Verdict decide(Request request, Object reply) {
        if (inInstance != null) {
            Optional<String> id = idOf(request);
            reply = id.isEmpty() ? null : inInstance.spend(keys(id.get()), limits);
        }
        if (reply == null) {
            // a per-user limit can't count a caller without a usable user: no way around it by leaving one out;
            // an address guard passes a hand-built event that has no address (API Gateway always sets one)
            return subject == Subject.USER
                    ? new Verdict.Refuse(ApiResponse.error(401, "unauthorized", identity.unnamed().apply(request)))
                    : Verdict.Pass.PLAIN;
        }
        List<?> values = (List<?>) reply;
        int state = ((Long) values.get(0)).intValue();
        long waitMicros = (Long) values.get(2);
        long[] remaining = new long[limits.size()];
        long[] reset = new long[limits.size()];
        return switch (state) {
            case 0, 1 -> {
                for (int i = 0; i < limits.size(); i++) {
                    remaining[i] = (Long) values.get(3 + 3 * i);
                    reset[i] = (Long) values.get(4 + 3 * i);
                }
                Map<String, String> headers = Map.of(
                        RateLimitHeaders.POLICY, policyHeader,
                        RateLimitHeaders.LIMIT, RateLimitHeaders.limits(limits, remaining, reset));
                yield state == 0 ? new Verdict.Pass(headers) : limited(values, headers, waitMicros);
            }
            case 2, 3 -> {
                String rule = (String) values.get(1);
                if (state == 3) {
                    LOG.log(System.Logger.Level.INFO, "User " + request.userId().orElse("?") + " tripped bot rule " + rule
                            + " (strike " + values.get(3) + ") on " + request.route() + "; cooling off "
                            + RateLimitHeaders.seconds(waitMicros) + " s");
                    Metrics.count("BotRuleTripped", request.route());
                }
                // Nothing passes until the block ends: every limit has nothing left until then.
                Arrays.fill(reset, waitMicros);
                ApiResponse blocked = ApiResponse.error(429, "cooling_off", BotRule.detailOf(rule)).refusedBy(rule)
                        .header(RateLimitHeaders.POLICY, policyHeader)
                        .header(RateLimitHeaders.LIMIT, RateLimitHeaders.limits(limits, remaining, reset))
                        .header("retry-after", RateLimitHeaders.retryAfter(waitMicros));
                yield new Verdict.Refuse(blocked);
            }
            default -> throw new IllegalStateException("guard.lua answered state " + state);
        };
    }

    private Verdict limited(List<?> values, Map<String, String> headers, long waitMicros) {
        RateLimit exceeded = limits.getFirst();
        for (int i = 0; i < limits.size(); i++) {
            if ((Long) values.get(5 + 3 * i) > 0) {
                exceeded = limits.get(i);
                break;
            }
        }
        String retryAfter = RateLimitHeaders.retryAfter(waitMicros);
        ApiResponse response = ApiResponse.error(429, "rate_limit_exceeded",
                "At most " + exceeded.rate().quota() + " requests per " + exceeded.rate().window().toSeconds()
                        + " s per " + subject.label() + " here (" + exceeded.headerName() + "); retry in " + retryAfter + " s.");
        headers.forEach(response::header);
        response.header("retry-after", retryAfter).refusedBy(exceeded.headerName());
        return new Verdict.Refuse(response);
    }

    @Override
    public Verdict whenRedisUnavailable(Request request) {
        return switch (whenDown) {
            case OPEN -> new Verdict.Pass(Map.of(RateLimitHeaders.POLICY, policyHeader));
            case CLOSED -> new Verdict.Refuse(ApiResponse.error(503, "service_unavailable",
                            "This route is briefly unavailable; retry in a moment.")
                    .header(RateLimitHeaders.POLICY, policyHeader)
                    .header("retry-after", "1"));
        };
    }

    @Override
    public Optional<Redis.ScriptCall> afterAnswer(Request request, ApiResponse answer) {
        if (answerCount.isEmpty() || !answerCount.get().counts().test(answer)) {
            return Optional.empty();
        }
        Tripwire tripwire = answerCount.get().tripwire();
        return idOf(request).map(id -> new Redis.ScriptCall(COUNT, Redis.Reply.INTEGER,
                new String[] {ProtectionKeys.antibot(tripwire.counter(), id)}, new String[] {Long.toString(tripwire.span().toMillis())}));
    }
}
