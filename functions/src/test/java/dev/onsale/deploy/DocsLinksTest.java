package dev.onsale.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.onsale.testing.EmbeddedStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the README, BENCHMARKS.md, localstack/README.md and docs/ leads somewhere: its file
 * exists and, with an anchor, the file has a heading of that GitHub slug. Moving a section breaks no link
 * silently.
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~).*");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

    @Test
    void everyRelativeLinkFindsItsFileAndHeading() {
        List<String> broken = new ArrayList<>();
        for (Path file : markdownFiles()) {
            List<String> lines = proseLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher link = LINK.matcher(INLINE_CODE.matcher(lines.get(i)).replaceAll(""));
                while (link.find()) {
                    String problem = problem(file, link.group(1));
                    if (problem != null) {
                        broken.add(EmbeddedStack.projectFile("").relativize(file) + ":" + (i + 1) + ": " + problem);
                    }
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void headingsAreSluggedAsGitHubDoes() {
        assertEquals("the-stadium-run-scriptsloadtest---mode-stadium",
                slug("The stadium run: `scripts/loadtest --mode stadium`"));
        assertEquals("fair-on-sale-what-one-account-or-one-address-may-take",
                slug("Fair on-sale: what one account, or one address, may take"));
        assertEquals("5-quotas-the-template-assumes", slug("5. Quotas the template assumes"));
    }

    private static String problem(Path from, String target) {
        if (SCHEME.matcher(target).matches()) {
            return null; // https:, mailto: and the like are not this test's to check
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path resolved = path.isEmpty() ? from : from.getParent().resolve(path).normalize();
        if (!Files.exists(resolved)) {
            return "no file " + target;
        }
        if (hash >= 0 && resolved.toString().endsWith(".md") && !anchors(resolved).contains(target.substring(hash + 1))) {
            return "no heading " + target;
        }
        return null;
    }

    /** The slugs GitHub gives the file's headings: the first as is, repeats with -1, -2, ... */
    private static Set<String> anchors(Path file) {
        Map<String, Integer> seen = new HashMap<>();
        Set<String> anchors = new HashSet<>();
        for (String line : proseLines(file)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int repeats = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
            }
        }
        return anchors;
    }

    private static String slug(String heading) {
        return heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                .replace(' ', '-');
    }

    /** The file's lines with fenced code blanked out (a "# comment" in a bash block is no heading). */
    private static List<String> proseLines(Path file) {
        List<String> lines = new ArrayList<>();
        boolean inFence = false;
        for (String line : read(file)) {
            if (FENCE.matcher(line).matches()) {
                inFence = !inFence;
                lines.add("");
            } else {
                lines.add(inFence ? "" : line);
            }
        }
        return lines;
    }

    private static List<Path> markdownFiles() {
        List<Path> files = new ArrayList<>(List.of(EmbeddedStack.projectFile("README.md"),
                EmbeddedStack.projectFile("BENCHMARKS.md"), EmbeddedStack.projectFile("localstack/README.md")));
        try (Stream<Path> docs = Files.list(EmbeddedStack.projectFile("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
