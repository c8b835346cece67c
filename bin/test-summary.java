// The summary bin/test prints after Maven: per module, the results of this run's test classes (the surefire
// XML reports written since the run started), each failing test with its message and the file with its log,
// Maven's own errors (compilation, dependencies, a crashed test JVM) and a one-line total.
// Exits 1 when a test or Maven failed.
//
// Usage: java bin/test-summary.java <repository root> <Maven output file> <run start, epoch seconds> <Maven exit status>
// (a single-file program: it needs nothing but the JDK).

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

public class TestSummary {

    static final int MAX_CLASSES_SHOWN = 25;
    static final int MAX_MESSAGE_LINES = 6;
    static final int MAX_LINE_LENGTH = 300;
    static final int MAX_MAVEN_ERROR_LINES = 60;

    record Failure(String module, String className, String test, String message, String location, Path log) {
    }

    static final class ModuleResult {
        final String dir;
        final String artifactId;
        final String name;
        int classes;
        int tests;
        int failed;
        int skipped;

        ModuleResult(String dir, String artifactId, String name) {
            this.dir = dir;
            this.artifactId = artifactId;
            this.name = name;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java bin/test-summary.java <root> <maven log> <start epoch seconds> <maven status>");
            System.exit(2);
        }
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        Path logFile = root.resolve(args[1]);
        long startMillis = Long.parseLong(args[2]) * 1000;
        int mavenStatus = Integer.parseInt(args[3]);
        List<String> log = Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();

        // What Maven did with each module: built (a "--< group:artifact >--" header), failed, skipped.
        Set<String> built = new LinkedHashSet<>();
        Set<String> failedModules = new LinkedHashSet<>();
        Set<String> skippedNames = new LinkedHashSet<>();
        Pattern header = Pattern.compile("^\\[INFO\\] -+< [^:]+:(\\S+) >-+$");
        Pattern failedGoal = Pattern.compile("^\\[ERROR\\] Failed to execute goal .* on project ([^:\\s]+):");
        Pattern reactorLine = Pattern.compile("^\\[INFO\\] (\\S.*?) \\.+ (SUCCESS|FAILURE|SKIPPED)\\b.*$");
        boolean inReactorSummary = false;
        for (String line : log) {
            Matcher m;
            if ((m = header.matcher(line)).matches()) {
                built.add(m.group(1));
            } else if ((m = failedGoal.matcher(line)).find()) {
                failedModules.add(m.group(1));
            } else if (line.startsWith("[INFO] Reactor Summary")) {
                inReactorSummary = true;
            } else if (inReactorSummary && (m = reactorLine.matcher(line)).matches()) {
                if (m.group(2).equals("SKIPPED")) {
                    skippedNames.add(m.group(1));
                }
            } else if (line.startsWith("[INFO] BUILD ")) {
                inReactorSummary = false;
            }
        }

        List<ModuleResult> modules = new ArrayList<>();
        for (String dir : moduleDirs(root)) {
            Element pom = parse(root.resolve(dir).resolve("pom.xml"));
            String artifactId = pom == null ? dir : childText(pom, "artifactId", dir);
            String name = pom == null ? dir : childText(pom, "name", artifactId);
            modules.add(new ModuleResult(dir, artifactId, name));
        }

        List<Failure> failures = new ArrayList<>();
        for (ModuleResult module : modules) {
            collect(root, module, startMillis, failures);
        }

        int tests = 0, failed = 0, skipped = 0, classes = 0;
        System.out.println();
        System.out.println("Summary");
        for (ModuleResult m : modules) {
            boolean wasBuilt = built.contains(m.artifactId);
            String status;
            if (m.classes > 0) {
                int passed = m.tests - m.failed - m.skipped;
                status = String.format("%3d classes %4d tests   %s", m.classes, m.tests,
                        counts(passed, m.failed, m.skipped));
                if (failedModules.contains(m.artifactId)) {
                    status += "; the build of this module failed (see below)";
                }
            } else if (failedModules.contains(m.artifactId)) {
                status = "BUILD FAILED (see below)";
            } else if (skippedNames.contains(m.name) || skippedNames.contains(m.artifactId)) {
                status = "not built: Maven skipped it after a module it needs failed";
            } else if (wasBuilt) {
                status = "no tests";
            } else {
                continue; // not part of this run (e.g. bin/test -pl other-module)
            }
            System.out.printf("  %-20s %s%n", m.artifactId, status);
            tests += m.tests;
            failed += m.failed;
            skipped += m.skipped;
            classes += m.classes;
        }

        if (!failures.isEmpty()) {
            printFailures(failures, root);
        }

        boolean mavenFailed = mavenStatus != 0;
        if (mavenFailed) {
            System.out.println();
            System.out.println("Maven failed (exit status " + mavenStatus + "):");
            List<String> errors = mavenErrors(log, root);
            errors.stream().limit(MAX_MAVEN_ERROR_LINES).forEach(l -> System.out.println("  " + l));
            if (errors.size() > MAX_MAVEN_ERROR_LINES) {
                System.out.println("  ...");
            }
            System.out.println("  Maven's whole output: " + root.relativize(logFile));
        }

        long seconds = Math.max(0, (System.currentTimeMillis() - startMillis) / 1000);
        String elapsed = seconds >= 60 ? (seconds / 60) + "m " + (seconds % 60) + "s" : seconds + "s";
        boolean ok = failed == 0 && !mavenFailed;
        System.out.println();
        System.out.printf("%s: %d tests in %d classes, %s (%s)%s%n", ok ? "PASSED" : "FAILED", tests, classes,
                counts(tests - failed - skipped, failed, skipped), elapsed,
                mavenFailed ? "; Maven failed, see above" : "");
        System.exit(ok ? 0 : 1);
    }

    /**
     * Per failing test class: its log file, then its failing tests, those with the same message (ignoring quoted
     * names, numbers and lists) together under one copy of it.
     */
    static void printFailures(List<Failure> failures, Path root) {
        System.out.println();
        System.out.println("Failed tests");
        Map<String, List<Failure>> byKey = new LinkedHashMap<>();
        for (Failure f : failures) {
            byKey.computeIfAbsent(normalized(f.message), k -> new ArrayList<>()).add(f);
        }
        List<Failure> common = byKey.values().stream().max(Comparator.comparingInt(List::size)).orElseThrow();
        long commonClasses = common.stream().map(Failure::className).distinct().count();
        String commonKey = null;
        if (common.size() > 2 && commonClasses > 1) {
            commonKey = normalized(common.getFirst().message);
            System.out.println("  " + common.size() + " of the " + failures.size() + " failed tests (in " + commonClasses
                    + " classes) failed with this message:");
            printMessage(common.getFirst().message, "      ");
        }
        Map<String, List<Failure>> byClass = new LinkedHashMap<>();
        failures.forEach(f -> byClass.computeIfAbsent(f.module + " " + f.className, k -> new ArrayList<>()).add(f));
        int shownClasses = 0;
        int shownTests = 0;
        for (List<Failure> inClass : byClass.values()) {
            if (shownClasses++ == MAX_CLASSES_SHOWN) {
                System.out.println("  ... and " + (failures.size() - shownTests) + " more failed tests in "
                        + (byClass.size() - MAX_CLASSES_SHOWN) + " classes: see <module>/target/surefire-reports");
                break;
            }
            Failure first = inClass.getFirst();
            String simpleClass = first.className.substring(first.className.lastIndexOf('.') + 1);
            String where = first.log.getFileName().toString().endsWith(".xml") ? "no output; report: " : "log: ";
            System.out.println("  " + first.module + ": " + simpleClass + "   " + where + root.relativize(first.log));
            Map<String, List<Failure>> byMessage = new LinkedHashMap<>();
            inClass.forEach(f -> byMessage.computeIfAbsent(normalized(f.message), k -> new ArrayList<>()).add(f));
            for (Map.Entry<String, List<Failure>> same : byMessage.entrySet()) {
                for (Failure f : same.getValue()) {
                    String name = f.test.isEmpty() ? "(class setup or teardown)" : f.test;
                    System.out.println("    " + name + (f.location.isEmpty() ? "" : " (" + f.location + ")"));
                    shownTests++;
                }
                if (same.getKey().equals(commonKey)) {
                    System.out.println("        (the message above)");
                } else {
                    printMessage(same.getValue().getFirst().message, "        ");
                }
            }
        }
    }

    static void printMessage(String message, String indent) {
        List<String> lines = message.lines().filter(l -> !l.isBlank()).toList();
        for (int i = 0; i < Math.min(lines.size(), MAX_MESSAGE_LINES); i++) {
            System.out.println(indent + shorten(lines.get(i)));
        }
        if (lines.size() > MAX_MESSAGE_LINES) {
            System.out.println(indent + "...");
        }
    }

    /**
     * A message without what typically differs between tests that fail for one reason: quoted names and bracketed
     * lists (IDs, topic names). Numbers stay: "expected: <3> but was: <4>" is not the same as "<5> but was: <6>".
     */
    static String normalized(String message) {
        return message.replaceAll("'[^']*'|\"[^\"]*\"", "'_'").replaceAll("\\[[^\\]]*\\]", "[_]");
    }

    static String counts(int passed, int failed, int skipped) {
        return passed + " passed, " + failed + " failed, " + skipped + " skipped";
    }

    /** Adds the module's reports written since the run started. */
    static void collect(Path root, ModuleResult module, long startMillis, List<Failure> failures) throws Exception {
        Path reports = root.resolve(module.dir).resolve("target/surefire-reports");
        if (!Files.isDirectory(reports)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(reports)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("TEST-") && n.endsWith(".xml") && modifiedSince(p, startMillis);
            }).sorted().toList();
        }
        for (Path file : files) {
            Element suite = parse(file);
            if (suite == null) {
                continue;
            }
            module.classes++;
            NodeList cases = suite.getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element testcase = (Element) cases.item(i);
                module.tests++;
                Element problem = firstChild(testcase, "failure");
                if (problem == null) {
                    problem = firstChild(testcase, "error");
                }
                if (problem != null) {
                    module.failed++;
                    String className = testcase.getAttribute("classname");
                    if (className.isEmpty()) {
                        className = suite.getAttribute("name");
                    }
                    Path log = reports.resolve(className + "-output.txt");
                    if (!Files.exists(log)) {
                        log = file;
                    }
                    failures.add(new Failure(module.artifactId, className, testcase.getAttribute("name"),
                            message(problem), location(problem.getTextContent(), className), log));
                } else if (firstChild(testcase, "skipped") != null) {
                    module.skipped++;
                }
            }
        }
    }

    /** The failure's message, prefixed with the exception type unless it is an assertion. */
    static String message(Element problem) {
        String type = problem.getAttribute("type");
        String message = problem.getAttribute("message");
        if (message.isEmpty()) {
            String trace = problem.getTextContent().strip();
            message = trace.isEmpty() ? "" : trace.lines().findFirst().orElse("");
            return message.isEmpty() ? type : message;
        }
        String simpleType = type.substring(type.lastIndexOf('.') + 1);
        boolean assertion = simpleType.contains("Assertion") || simpleType.equals("MultipleFailuresError");
        return assertion || simpleType.isEmpty() ? message : simpleType + ": " + message;
    }

    /** "File.java:line" of the deepest stack frame in the test class (or its nested classes and lambdas). */
    static String location(String trace, String className) {
        Pattern frame = Pattern.compile("^\\s*at (?:[\\w.$/@-]+/)?([\\w.$]+)\\.[^.(]+\\(([^:()]+:\\d+)\\)");
        for (String line : trace.lines().toList()) {
            if (line.startsWith("Caused by:")) {
                break;
            }
            Matcher m = frame.matcher(line);
            if (m.find()) {
                String cls = m.group(1);
                if (cls.equals(className) || cls.startsWith(className + "$")) {
                    return m.group(2);
                }
            }
        }
        return "";
    }

    /** Maven's error lines after BUILD FAILURE, without its generic advice; else the end of its output. */
    static List<String> mavenErrors(List<String> log, Path root) {
        List<String> errors = new ArrayList<>();
        boolean after = false;
        for (String line : log) {
            if (line.contains("BUILD FAILURE")) {
                after = true;
                continue;
            }
            if (!after || !line.startsWith("[ERROR]")) {
                continue;
            }
            String text = line.substring("[ERROR]".length()).stripTrailing();
            if (text.startsWith(" ")) {
                text = text.substring(1);
            }
            if (text.startsWith("-> [Help") || text.startsWith("To see the full stack trace")
                    || text.startsWith("Re-run Maven using") || text.startsWith("For more information about")
                    || text.startsWith("[Help ") || text.startsWith("After correcting the problems")
                    || text.startsWith("mvn <args> -rf") || text.isBlank()) {
                continue;
            }
            text = text.replace(" -> [Help 1]", "").replace(root + "/", "");
            errors.add(shorten(text));
        }
        if (errors.isEmpty()) {
            int from = Math.max(0, log.size() - 20);
            log.subList(from, log.size()).forEach(l -> errors.add(shorten(l)));
        }
        return errors;
    }

    static String shorten(String line) {
        return line.length() <= MAX_LINE_LENGTH ? line : line.substring(0, MAX_LINE_LENGTH) + " ...";
    }

    static boolean modifiedSince(Path p, long millis) {
        try {
            return Files.getLastModifiedTime(p).toMillis() >= millis;
        } catch (IOException e) {
            return false;
        }
    }

    /** The root pom's modules, in order. */
    static List<String> moduleDirs(Path root) {
        Element pom = parse(root.resolve("pom.xml"));
        List<String> dirs = new ArrayList<>();
        if (pom != null) {
            Element modules = firstChild(pom, "modules");
            if (modules != null) {
                NodeList list = modules.getElementsByTagName("module");
                for (int i = 0; i < list.getLength(); i++) {
                    dirs.add(list.item(i).getTextContent().trim());
                }
            }
        }
        return dirs;
    }

    static Element parse(Path file) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
                    throw e;
                }
            });
            Document d = b.parse(file.toFile());
            return d.getDocumentElement();
        } catch (Exception e) {
            System.err.println("cannot read " + file + ": " + e.getMessage());
            return null;
        }
    }

    static Element firstChild(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    static String childText(Element parent, String tag, String otherwise) {
        Element e = firstChild(parent, tag);
        return e == null ? otherwise : e.getTextContent().trim();
    }
}
