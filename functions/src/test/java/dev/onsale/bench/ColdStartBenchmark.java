package dev.onsale.bench;

import dev.onsale.localstack.AuthMode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.localstack.LocalStackOptions;
import dev.onsale.localstack.Template;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start per function: a fresh JVM (the Lambda jar and a one-class runner, {@link ColdStartChild})
 * constructs the function's handler with its no-arg constructor and answers one sample event, against
 * the local stack started here once. Wall time runs from launching the process to reading its answer;
 * the child says how that splits into JVM start-up, init (constructor) and first invoke, and how much
 * CPU time it used (all its threads: what a loaded machine stretches and Lambda's vCPU share divides). Without
 * SnapStart: what a function pays on every cold start when SnapStart is off, and once per version
 * when it is on.
 *
 * <p>Each JVM option set ({@code NAME=FLAGS}) is measured in the same rounds, interleaved, so that a
 * comparison is fair on a machine whose load changes. Without any, the sets are the JVM's defaults and
 * the template's {@code JAVA_TOOL_OPTIONS} (what the functions run with on AWS). Besides JVM flags a set
 * may hold {@code jar=PATH} (another build of the Lambda jar) and {@code cpus=LIST} (run under
 * {@code taskset -c LIST}: one core is nearer a Lambda function's share, 1 vCPU at 1,769 MB). The sample
 * event is {@code events/NAME.json} where it exists, the function's SnapStart priming request otherwise.
 *
 * <pre>scripts/bench coldstart [runs=5] [functions=all|Id,Id] [NAME=FLAGS ...]
 * e.g. scripts/bench coldstart 5 all default= template=@template one-core="@template cpus=0" other=jar=/tmp/other-build.jar</pre>
 */
public final class ColdStartBenchmark {
    /** Stands for the template's JAVA_TOOL_OPTIONS in an option set. */
    private static final String TEMPLATE_OPTIONS = "@template";
    /** Functions whose sample event would change the other functions' answers (a waiting room on event 1 refuses its seat map). */
    private static final List<String> CHANGE_WHAT_OTHERS_SEE = List.of("EnableWaitingRoomFunction");

    public static void main(String[] args) throws Exception {
        Figures.start("coldstart");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String only = args.length > 1 ? args[1] : "all";
        Map<String, List<String>> variants = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            variants.put(args[i].substring(0, eq), Arrays.stream(args[i].substring(eq + 1).split(" ")).filter(s -> !s.isBlank()).toList());
        }
        if (variants.isEmpty()) {
            variants.put("default", List.of());
            variants.put("template", List.of(TEMPLATE_OPTIONS));
        }
        Path jar = EmbeddedStack.projectFile("functions/target/functions.jar");
        Path runner = ChildJvms.runnerDirectory(ColdStartChild.class, "coldstart-runner");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Figures.OUT.printf("cold start: %d runs per function and option set; jar %s = %.1f MB; %s %s; load before: %s%n",
                runs, jar.getFileName(), Files.size(jar) / 1e6, java, System.getProperty("java.version"), ChildJvms.loadAverage());

        try (LocalStack stack = LocalStack.start(LocalStackOptions.builder()
                .template(EmbeddedStack.projectFile("template.yaml"))
                .port(0)
                .parameterOverrides(EmbeddedStack.parameters())
                .authMode(AuthMode.DEV)
                .devAdmin(true)
                .pollers(false)
                .build())) {
            createSampleEvent(stack);
            List<Target> targets = new ArrayList<>();
            for (Template.Resource function : stack.template().resourcesOfType(Template.SERVERLESS_FUNCTION)) {
                if (!only.equals("all") && !Arrays.asList(only.split(",")).contains(function.logicalId())) {
                    continue;
                }
                if (function.properties().get("Events") == null) {
                    continue; // no event source: the key rotation, invoked by Secrets Manager once a week, serves nobody waiting
                }
                String handler = ((String) function.properties().get("Handler")).replace("::handleRequest", "");
                Path sample = EmbeddedStack.projectFile("events/" + kebab(function.logicalId().replace("Function", "")) + ".json");
                boolean usable = Files.exists(sample) && !CHANGE_WHAT_OTHERS_SEE.contains(function.logicalId());
                targets.add(new Target(function.logicalId(), handler, usable ? sample.toString() : "priming",
                        stack.functionEnvironment(function.logicalId())));
            }
            Map<String, Map<String, List<Sample>>> samples = new LinkedHashMap<>();
            for (int run = 0; run < runs; run++) {
                for (Target target : targets) {
                    for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
                        Sample sample = coldStart(java, jar, runner, target, variant.getValue());
                        samples.computeIfAbsent(target.id, k -> new LinkedHashMap<>())
                                .computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(sample);
                    }
                }
            }
            Figures.OUT.printf("load after: %s%n%n", ChildJvms.loadAverage());
            Figures.OUT.printf("%-28s %-8s %6s %8s %8s | %7s %7s %7s | %7s %7s %5s  %s%n", "function", "options", "answer",
                    "median", "p90", "jvm", "init", "invoke", "cpu", "classes", "runs", "event");
            Map<String, List<Double>> medians = new LinkedHashMap<>();
            Map<String, List<Double>> cpus = new LinkedHashMap<>();
            for (Target target : targets) {
                for (String variant : variants.keySet()) {
                    List<Sample> all = samples.get(target.id).get(variant);
                    medians.computeIfAbsent(variant, k -> new ArrayList<>()).add(percentile(all, Sample::total, 50));
                    cpus.computeIfAbsent(variant, k -> new ArrayList<>()).add(percentile(all, Sample::cpu, 50));
                    Figures.OUT.printf(Locale.ROOT, "%-28s %-8s %6s %6.0fms %6.0fms | %5.0fms %5.0fms %5.0fms | %5.0fms %7d %5d  %s%n",
                            target.id, variant, all.getLast().status,
                            percentile(all, Sample::total, 50), percentile(all, Sample::total, 90),
                            percentile(all, Sample::jvm, 50), percentile(all, Sample::init, 50), percentile(all, Sample::invoke, 50),
                            percentile(all, Sample::cpu, 50), all.getLast().classes, all.size(), target.event.equals("priming") ? "priming request" : Path.of(target.event).getFileName());
                }
            }
            Figures.OUT.println();
            medians.forEach((variant, values) -> Figures.OUT.printf(Locale.ROOT,
                    "%-8s median of the functions' medians %.0f ms, slowest function's median %.0f ms%n", variant,
                    values.stream().sorted().toList().get(values.size() / 2), values.stream().mapToDouble(d -> d).max().orElse(0)));
            cpus.forEach((variant, values) -> Figures.OUT.printf(Locale.ROOT,
                    "%-8s CPU time to the first answer, median of the functions' medians %.0f ms%n", variant,
                    values.stream().sorted().toList().get(values.size() / 2)));
        }
    }

    /** Event 1, as the sample events assume; on a machine too loaded for that they answer 404, still a real read. */
    private static void createSampleEvent(LocalStack stack) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                new Gateway(stack.gatewayUrl()).post("/api/v1/events", Events.concert("Cold start", 2));
                return;
            } catch (RuntimeException e) {
                Figures.OUT.println("creating the sample event failed (" + e + "), attempt " + attempt + " of 3");
            }
        }
    }

    private record Target(String id, String handler, String event, Map<String, String> environment) {
    }

    /** One cold start: milliseconds from launch to main, main to handler built, built to answered. */
    private record Sample(double jvm, double init, double invoke, String status, int classes, double cpu) {
        double total() {
            return jvm + init + invoke;
        }
    }

    private static Sample coldStart(String java, Path jar, Path runner, Target target, List<String> jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        Path code = jar;
        for (String option : jvmOptions) {
            if (option.startsWith("jar=")) {
                code = Path.of(option.substring(4)); // another build of the Lambda jar, e.g. with another HTTP client
            } else if (option.startsWith("cpus=")) {
                command.addAll(List.of("taskset", "-c", option.substring(5)));
            } else if (option.equals(TEMPLATE_OPTIONS)) {
                Arrays.stream(target.environment.getOrDefault("JAVA_TOOL_OPTIONS", "").split(" ")).filter(s -> !s.isBlank()).forEach(flags::add);
            } else {
                flags.add(option);
            }
        }
        command.add(java);
        command.addAll(flags);
        command.addAll(List.of("-cp", code + File.pathSeparator + runner, ColdStartChild.class.getName(), target.handler, target.event));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(target.environment);
        // the template's JAVA_TOOL_OPTIONS is one of the option sets under test, never a hidden extra
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        long launchedAt = System.currentTimeMillis();
        Process process = builder.start();
        String result = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("COLDSTART ")) {
                    result = line;
                } else if (output.length() < 4_000) {
                    output.append(line).append('\n');
                }
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || result == null) {
            process.destroyForcibly();
            throw new IllegalStateException(target.id + " gave no answer:\n" + output);
        }
        String[] fields = result.split(" ");
        long mainAt = Long.parseLong(fields[1]);
        long initDoneAt = Long.parseLong(fields[2]);
        long answeredAt = Long.parseLong(fields[3]);
        return new Sample(mainAt - launchedAt, initDoneAt - mainAt, answeredAt - initDoneAt, fields[4], Integer.parseInt(fields[5]),
                Double.parseDouble(fields[6]));
    }

    private static double percentile(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value, int percentile) {
        double[] sorted = samples.stream().mapToDouble(value).sorted().toArray();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
