package dev.onsale.localstack.secrets;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Random strings as Secrets Manager makes them, for {@code GetRandomPassword} and CloudFormation's
 * {@code GenerateSecretString}: the same settings, the same defaults (32 characters of upper and lower case letters,
 * digits and punctuation, at least one of each included type, no space).
 *
 * @param length                  {@code PasswordLength}, 1 to 4096
 * @param excludeCharacters       {@code ExcludeCharacters}
 * @param requireEachIncludedType {@code RequireEachIncludedType}
 */
public record RandomPasswords(int length, String excludeCharacters, boolean excludeNumbers, boolean excludePunctuation,
                              boolean excludeUppercase, boolean excludeLowercase, boolean includeSpace,
                              boolean requireEachIncludedType) {
    /** Secrets Manager's punctuation. */
    static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String DIGITS = "0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public static final RandomPasswords DEFAULTS = new RandomPasswords(32, "", false, false, false, false, false, true);

    public RandomPasswords {
        if (length < 1 || length > 4096) {
            throw SecretsManagerException.invalidParameter("PasswordLength must be between 1 and 4096: " + length);
        }
        excludeCharacters = excludeCharacters == null ? "" : excludeCharacters;
    }

    public String generate() {
        List<String> types = new ArrayList<>();
        for (String type : new String[] {excludeUppercase ? "" : UPPER, excludeLowercase ? "" : LOWER,
                excludeNumbers ? "" : DIGITS, excludePunctuation ? "" : PUNCTUATION, includeSpace ? " " : ""}) {
            String allowed = without(type);
            if (!allowed.isEmpty()) {
                types.add(allowed);
            }
        }
        if (types.isEmpty()) {
            throw SecretsManagerException.invalidParameter("The settings exclude every character");
        }
        if (requireEachIncludedType && types.size() > length) {
            throw SecretsManagerException.invalidParameter("PasswordLength " + length + " is too short for one of each of the "
                    + types.size() + " included types of character");
        }
        String all = String.join("", types);
        char[] password = new char[length];
        for (int i = 0; i < length; i++) {
            password[i] = all.charAt(RANDOM.nextInt(all.length()));
        }
        if (requireEachIncludedType) {
            // one of each type at distinct random places
            List<Integer> places = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                places.add(i);
            }
            java.util.Collections.shuffle(places, RANDOM);
            for (int t = 0; t < types.size(); t++) {
                String type = types.get(t);
                password[places.get(t)] = type.charAt(RANDOM.nextInt(type.length()));
            }
        }
        return new String(password);
    }

    private String without(String characters) {
        StringBuilder kept = new StringBuilder();
        characters.chars().filter(c -> excludeCharacters.indexOf(c) < 0).forEach(c -> kept.append((char) c));
        return kept.toString();
    }
}
