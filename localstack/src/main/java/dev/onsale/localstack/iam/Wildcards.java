package dev.onsale.localstack.iam;

import java.util.Locale;

/**
 * IAM's wildcards: {@code *} is any run of characters (none included), {@code ?} any one character. Actions
 * match without regard to case ({@code dynamodb:get*} grants {@code dynamodb:GetItem}); resource ARNs match
 * segment by segment (a wildcard does not reach across the colons of partition, service, region and
 * account), and within the resource part {@code *} spans {@code /} and {@code :} alike, so
 * {@code table/T*} also grants {@code table/T/index/I}.
 */
final class Wildcards {

    private Wildcards() {}

    static boolean actionMatches(String pattern, String action) {
        return globMatches(pattern.toLowerCase(Locale.ROOT), action.toLowerCase(Locale.ROOT));
    }

    static boolean resourceMatches(String pattern, String arn) {
        if (pattern.equals("*")) {
            return true;
        }
        String[] wanted = pattern.split(":", 6);
        String[] given = arn.split(":", 6);
        if (wanted.length < 6 || given.length < 6) {
            // an ARN pattern of fewer segments is malformed and grants nothing; a bare pattern matches the whole
            return !pattern.startsWith("arn:") && globMatches(pattern, arn);
        }
        for (int i = 0; i < 6; i++) {
            if (!globMatches(wanted[i], given[i])) {
                return false;
            }
        }
        return true;
    }

    /** Iterative glob matching with backtracking to the last {@code *}: linear in practice, never exponential. */
    static boolean globMatches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
