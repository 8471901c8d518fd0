package dev.onsale.presale;

import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.http.Caller;
import dev.onsale.http.Guards;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.protection.SurgeProtection;
import java.util.Map;

/**
 * {@code POST /api/v1/events/{event_id}/codes/redeem} (signed in): redeems a presale code, letting the caller into
 * the event's waiting room at once with an access token. Guarded by the user's and the address's redemption limits
 * (failing closed), so guessing codes is slow. Triggered by the HTTP API.
 */
public final class RedeemPresaleCodeHandler extends ApiHandler {
    private final PresaleCodeService codes;

    public RedeemPresaleCodeHandler() {
        this(Config.fromEnvironment());
    }

    private RedeemPresaleCodeHandler(Config config) {
        this(PresaleCodeService.create(config), Guards.of(config, SurgeProtection.of(config).redeemCode()), config.admins());
        Dependency.prepareInBackground(config, Dependency.DYNAMODB, Dependency.REDIS);
    }

    public RedeemPresaleCodeHandler(PresaleCodeService codes, Guards guards, Caller.AdminRule admins) {
        super(admins, guards);
        this.codes = codes;
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String userId = request.requireUser();
        long eventId = request.pathId("event_id");
        String code = request.body(CodeViews.RedeemRequest.class).code();
        ApiResponse answer = switch (codes.redeem(eventId, userId, code)) {
            case PresaleCodeService.Redemption.Admitted admitted -> ApiResponse.json(200, CodeViews.Redeemed.of(admitted));
            case PresaleCodeService.Redemption.RoomOff off -> ApiResponse.json(200, CodeViews.Redeemed.roomOff(off.code()));
            case PresaleCodeService.Redemption.Invalid invalid -> ApiResponse.error(400, "bad_request", invalid.detail());
            case PresaleCodeService.Redemption.NotFound none ->
                    ApiResponse.error(404, "code_not_found", "No such code for event " + eventId);
            case PresaleCodeService.Redemption.NotYetValid early -> ApiResponse.error(403, "code_not_yet_valid",
                    "This code may be redeemed from " + early.code().validFrom().orElseThrow(),
                    Map.of("valid_from", early.code().validFrom().orElseThrow().toString()));
            case PresaleCodeService.Redemption.Expired late -> ApiResponse.error(403, "code_expired",
                    "This code could be redeemed until " + late.code().validUntil().orElseThrow(),
                    Map.of("valid_until", late.code().validUntil().orElseThrow().toString()));
            case PresaleCodeService.Redemption.UsedUp used ->
                    ApiResponse.error(409, "code_used_up", "This code has been redeemed as often as it may be");
            case PresaleCodeService.Redemption.AlreadyRedeemed again -> ApiResponse.error(409, "code_already_redeemed",
                    "You redeemed this code before, and the session it gave you has ended");
            case PresaleCodeService.Redemption.Busy busy -> ApiResponse.error(503, "service_busy",
                    "Codes are very busy right now; retry in a moment").header("retry-after", "1");
        };
        return answer.header("cache-control", "no-store");
    }
}
