package dev.onsale.http;

import dev.onsale.platform.Redis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the runner combines its guards' verdicts; these guards decide without Redis. */
class GuardsTest {
    private static final Guard.Request REQUEST = new Guard.Request("GET /x", Optional.of("1"), "127.0.0.1", Map.of(), Map.of(), Map.of());

    /** A guard that needs no Redis call and always answers {@code verdict}. */
    private record Fixed(Guard.Verdict verdict) implements Guard {
        @Override
        public Optional<Redis.ScriptCall> prepare(Request request) {
            return Optional.empty();
        }

        @Override
        public Verdict decide(Request request, Object reply) {
            return verdict;
        }

        @Override
        public Verdict whenRedisUnavailable(Request request) {
            throw new AssertionError("never asked: no call was made");
        }
    }

    private static Guard.Verdict pass(String name, int remaining) {
        return new Guard.Verdict.Pass(Map.of("ratelimit-policy", "\"" + name + "\";q=9;w=60", "ratelimit", "\"" + name + "\";r=" + remaining + ";t=1"));
    }

    private static Guard.Verdict refuse(String name, String retryAfter) {
        return new Guard.Verdict.Refuse(ApiResponse.error(429, "rate_limit_exceeded", name)
                .header("ratelimit-policy", "\"" + name + "\";q=9;w=60")
                .header("ratelimit", "\"" + name + "\";r=0;t=9")
                .header("retry-after", retryAfter));
    }

    private static Guard.Verdict check(Guard.Verdict... verdicts) {
        return new Guards(null, Duration.ofMillis(10), java.util.Arrays.stream(verdicts).<Guard>map(Fixed::new).toList()).check(REQUEST);
    }

    @Test
    void noGuardsPassPlainly() {
        assertSame(Guard.Verdict.Pass.PLAIN, Guards.NONE.check(REQUEST));
    }

    @Test
    void passesJoinTheirPolicyListsInGuardOrder() {
        var pass = assertInstanceOf(Guard.Verdict.Pass.class, check(pass("a", 3), pass("b", 5)));
        assertEquals("\"a\";q=9;w=60, \"b\";q=9;w=60", pass.headers().get("ratelimit-policy"));
        assertEquals("\"a\";r=3;t=1, \"b\";r=5;t=1", pass.headers().get("ratelimit"));
    }

    @Test
    void theFirstRefusalAnswersWithEveryGuardsHeadersAndTheLongestRetryAfter() {
        ApiResponse answer = assertInstanceOf(Guard.Verdict.Refuse.class,
                check(pass("a", 3), refuse("b", "2"), refuse("c", "7"))).response();
        assertEquals("{\"error\":\"rate_limit_exceeded\",\"detail\":\"b\"}", answer.body());
        assertEquals("\"a\";r=3;t=1, \"b\";r=0;t=9, \"c\";r=0;t=9", answer.headers().get("ratelimit"));
        assertEquals("\"a\";q=9;w=60, \"b\";q=9;w=60, \"c\";q=9;w=60", answer.headers().get("ratelimit-policy"));
        assertEquals("7", answer.headers().get("retry-after"));
        assertEquals("application/json", answer.headers().get("content-type"));
    }
}
