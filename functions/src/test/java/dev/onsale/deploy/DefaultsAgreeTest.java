package dev.onsale.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.localstack.Intrinsic;
import dev.onsale.localstack.Template;
import dev.onsale.platform.Config;
import dev.onsale.testing.EmbeddedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A default lives in the code once ({@link Config#defaults}); template.yaml's {@code Globals} and the configuration
 * page (docs/configuration.md) must say the same, and must not name a variable the code does not read.
 */
class DefaultsAgreeTest {
    /** Variables of the Globals that are not the functions' settings but the runtime's. */
    private static final Set<String> RUNTIME = Set.of("JAVA_TOOL_OPTIONS");
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]+)`");

    private final Map<String, String> defaults = Config.defaults();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> globalVariables() {
        Template template = Template.load(EmbeddedStack.projectFile("template.yaml"));
        Map<String, Object> function = (Map<String, Object>) template.globals().get("Function");
        Map<String, Object> environment = (Map<String, Object>) function.get("Environment");
        return (Map<String, Object>) environment.get("Variables");
    }

    @Test
    void theTemplatesGlobalsSetTheCodesDefaults() {
        Map<String, Object> variables = globalVariables();
        List<String> differ = new ArrayList<>();
        for (var variable : variables.entrySet()) {
            String name = variable.getKey();
            if (RUNTIME.contains(name) || variable.getValue() instanceof Intrinsic) {
                continue; // a parameter or a resource's attribute: the deploy's, not a default
            }
            assertTrue(defaults.containsKey(name), name + " is in the template's Globals but the code reads no such default");
            if (!defaults.get(name).equals(String.valueOf(variable.getValue()))) {
                differ.add(name + ": code " + defaults.get(name) + ", template " + variable.getValue());
            }
        }
        assertEquals(List.of(), differ);
        assertTrue(variables.size() > 40, "the Globals were read: " + variables.keySet());
    }

    @Test
    void theConfigurationPageGivesEveryDefaultAsTheCodeHasIt() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(EmbeddedStack.projectFile("docs/configuration.md"))) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|", -1);
            List<String> names = new ArrayList<>();
            Matcher matcher = NAME.matcher(cells[1]);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
            String[] values = cells[2].trim().isEmpty() ? new String[0] : cells[2].split(",");
            for (int i = 0; i < names.size(); i++) {
                documented.put(names.get(i), values.length == names.size() ? values[i].trim().replace("`", "") : null);
            }
        }
        List<String> differ = new ArrayList<>();
        Set<String> undocumented = new TreeSet<>();
        for (var entry : defaults.entrySet()) {
            String name = entry.getKey();
            if (name.startsWith("AWS_")) {
                continue; // the runtime's own variables, read as fallbacks
            }
            if (!documented.containsKey(name)) {
                undocumented.add(name);
            } else if (documented.get(name) != null && !entry.getValue().isEmpty()
                    && !documented.get(name).equals(entry.getValue())) {
                differ.add(name + ": code " + entry.getValue() + ", page " + documented.get(name));
            }
        }
        assertEquals(Set.of(), undocumented, "defaults docs/configuration.md does not list");
        assertEquals(List.of(), differ);
        long checked = defaults.keySet().stream().filter(name -> documented.get(name) != null).count();
        assertTrue(checked > 40, "the page's defaults were read: " + checked);
    }
}
