package dev.onsale.catalog;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiException;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Guards;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.platform.Redis;
import dev.onsale.protection.SurgeProtection;
import dev.onsale.waitingroom.AdmissionGuard;
import dev.onsale.waitingroom.WaitingRoomService;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code GET /api/v1/events/{event_id}/seats?format=full|compact&section=NAME}: the seat map with live
 * availability, from the event's live map in Redis (fed by the seats table's stream). The map's read goes
 * out with the guards' calls (one round trip) and names the version this instance has, so an unchanged map
 * is served from memory. Answers 304 to a matching {@code If-None-Match}, and gzip when accepted.
 * Guarded by the user's and the address's seat-map limits, the seat-check rule and, while the event's
 * waiting room is on, admission (all failing open).
 * Triggered by the HTTP API.
 */
public final class GetSeatMapHandler extends ApiHandler {
    private final CatalogService catalog;

    public GetSeatMapHandler() {
        this(Config.fromEnvironment());
    }

    private GetSeatMapHandler(Config config) {
        this(config, Redis.shared(config.redis()), WaitingRoomService.create(config));
    }

    private GetSeatMapHandler(Config config, Redis redis, WaitingRoomService rooms) {
        this(CatalogService.create(config, redis, rooms), Guards.of(config, Stream.concat(
                SurgeProtection.of(config).seatMap().stream(),
                Stream.of(rooms.admissionGuard(AdmissionGuard.WhenRedisUnavailable.PASS))).toList()),
                config.admins());
        Dependency.prepareInBackground(config, Dependency.REDIS, Dependency.DYNAMODB);
    }

    public GetSeatMapHandler(CatalogService catalog, Guards guards, Caller.AdminRule admins) {
        super(admins, guards);
        this.catalog = catalog;
    }

    /** The map's read goes out with the guards' calls: one round trip for both. */
    @Override
    protected Optional<Redis.ScriptCall> readAhead(ApiRequest request) {
        try {
            long eventId = request.pathId("event_id");
            return Optional.of(catalog.seatMapRead(eventId, clientVersion(request, format(request))));
        } catch (ApiException badRequest) {
            return Optional.empty(); // handle answers it
        }
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        long eventId = request.pathId("event_id");
        SeatMapView.Format format = format(request);
        Optional<String> section = request.query("section");
        if (section.filter(name -> name.isBlank() || name.length() > NewEvent.MAX_TEXT).isPresent()) {
            throw ApiException.badRequest("section must name one of the event's sections");
        }
        String suffix = suffix(format);
        var query = new CatalogService.SeatMapQuery(eventId, new SeatMapView.Form(format, section, request.acceptsGzip()),
                clientVersion(request, format));
        return switch (catalog.seatMap(query, request.readAhead())) {
            case CatalogService.SeatMapResult.Found found -> (found.gzip()
                    ? ApiResponse.gzippedJson(200, found.body())
                    : ApiResponse.rawJson(200, found.body()))
                    .header("etag", etag(found.version(), suffix))
                    .header("cache-control", "no-cache")
                    .header("vary", "accept-encoding")
                    .header("x-cache", found.cache());
            case CatalogService.SeatMapResult.NotModified notModified -> ApiResponse.empty(304)
                    .header("etag", etag(notModified.version(), suffix));
            case CatalogService.SeatMapResult.UnknownEvent unknown ->
                    ApiResponse.error(404, "event_not_found", "Event " + eventId + " does not exist");
            case CatalogService.SeatMapResult.UnknownSection unknown ->
                    ApiResponse.error(404, "section_not_found", "Event " + eventId + " has no section named " + unknown.section());
            case CatalogService.SeatMapResult.Busy busy ->
                    ApiResponse.error(503, "seat_map_unavailable", "The seat map is being rebuilt; retry in a second")
                            .header("retry-after", "1");
        };
    }

    private static SeatMapView.Format format(ApiRequest request) {
        return switch (request.query("format").orElse("full")) {
            case "full" -> SeatMapView.Format.FULL;
            case "compact" -> SeatMapView.Format.COMPACT;
            default -> throw ApiException.badRequest("format must be full or compact");
        };
    }

    private static String suffix(SeatMapView.Format format) {
        return format == SeatMapView.Format.FULL ? "-f" : "-c";
    }

    private static Optional<String> clientVersion(ApiRequest request, SeatMapView.Format format) {
        return request.header("if-none-match").flatMap(header -> etagFor(header, suffix(format)));
    }

    /** Weak: the gzip and plain bodies of one map are the same map. */
    private static String etag(String base, String suffix) {
        return "W/\"" + base + suffix + "\"";
    }

    /** The base of the first entity tag in If-None-Match that names this form of a map. */
    private static Optional<String> etagFor(String ifNoneMatch, String suffix) {
        return Arrays.stream(ifNoneMatch.split(","))
                .map(String::trim)
                .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
                .map(tag -> tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"") ? tag.substring(1, tag.length() - 1) : "")
                .filter(tag -> tag.endsWith(suffix) && tag.length() > suffix.length())
                .map(tag -> tag.substring(0, tag.length() - suffix.length()))
                .findFirst();
    }
}
