package dev.onsale.localstack.iam;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** What one AWS service's calls need of IAM, and how that service says no. */
interface ServiceRequests {

    /** An HTTP answer of the service's own. */
    record Answer(int status, Map<String, String> headers, byte[] body) {}

    /**
     * The actions on resources a call needs, from its headers and body; empty when there is nothing to check
     * (a call the service answers without authorization, or one too malformed to name: the service refuses it).
     *
     * @param header a request header's value by name (any case), or null
     */
    List<AccessRequest> required(Function<String, String> header, byte[] body);

    /** The service's refusal of a call {@code role} may not make (in the protocol the call came in). */
    Answer denial(Function<String, String> header, FunctionRole role, String accountId, AccessRequest refused,
                  Decision decision, String requestId);
}
