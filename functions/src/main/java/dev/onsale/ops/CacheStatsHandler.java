package dev.onsale.ops;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.platform.Redis;
import io.lettuce.core.RedisException;

/** {@code GET /api/v1/cache/stats} (admin): Redis keys by family and the hit rate. Triggered by the HTTP API. */
public final class CacheStatsHandler extends ApiHandler {
    private final CacheStatistics statistics;

    public CacheStatsHandler() {
        this(Config.fromEnvironment());
    }

    private CacheStatsHandler(Config config) {
        this(new CacheStatistics(Redis.shared(config.redis())), config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS);
    }

    public CacheStatsHandler(CacheStatistics statistics, Caller.AdminRule admins) {
        super(admins);
        this.statistics = statistics;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        request.requireAdmin();
        try {
            return ApiResponse.json(200, statistics.report());
        } catch (RedisException e) {
            return ApiResponse.error(503, "cache_unavailable", "The cache cannot be reached right now")
                    .header("retry-after", "5");
        }
    }
}
