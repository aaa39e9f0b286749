package dev.taskrunner.common.config;

import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Fills options the command line did not set, in the documented order: environment variable, then
 * {@code NAME_FILE} (a mounted Kubernetes Secret), then the option's default. picocli consults this
 * provider before the annotation default, which gives exactly flag &gt; env &gt; file &gt; default.
 *
 * <p>An empty variable counts as unset: Kubernetes manifests and Helm charts render optional values
 * as {@code value: ""}, which must mean "not configured", not "configured to nothing". The names of
 * such variables are kept ({@link #emptyVariables()}) so the start-up configuration log shows why a
 * default applied. A flag with an empty value is different: it was typed or templated on purpose
 * and is validated like any other value.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {

  /** Where an option's effective value came from, for the start-up configuration log. */
  public enum Source {
    FLAG,
    ENVIRONMENT,
    FILE,
    DEFAULT
  }

  private final String prefix;
  private final Map<String, String> env;
  private final Map<String, Source> sources = new LinkedHashMap<>();
  private final Set<String> emptyVariables = new LinkedHashSet<>();

  /**
   * @param prefix task prefix including the underscore, e.g. {@code CLEANUP_}
   * @param env the process environment (a map, so tests need not mutate the real one)
   */
  public EnvironmentDefaults(String prefix, Map<String, String> env) {
    this.prefix = prefix;
    this.env = Map.copyOf(env);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    for (String name : envNames(option)) {
      String value = env.get(name);
      if (value != null && !value.isEmpty()) {
        sources.put(option.longestName(), Source.ENVIRONMENT);
        return value;
      }
      noteIfEmpty(name, value);
    }
    for (String name : envNames(option)) {
      String file = env.get(name + "_FILE");
      if (file != null && !file.isEmpty()) {
        sources.put(option.longestName(), Source.FILE);
        return readSecretFile(name + "_FILE", Path.of(file));
      }
      noteIfEmpty(name + "_FILE", file);
    }
    return null;
  }

  private synchronized void noteIfEmpty(String name, String value) {
    if (value != null) {
      emptyVariables.add(name);
    }
  }

  /**
   * Variables of this command's options that were set to the empty string and therefore treated as
   * unset, in the order they were consulted; filled while picocli parses.
   */
  public synchronized List<String> emptyVariables() {
    return List.copyOf(emptyVariables);
  }

  /** The variables that can set this option, in precedence order. */
  public List<String> envNames(OptionSpec option) {
    if (option.userObject() instanceof AnnotatedElement element
        && element.getAnnotation(EnvVar.class) != null) {
      return List.of(element.getAnnotation(EnvVar.class).value());
    }
    String name = option.longestName().replaceFirst("^-+", "");
    return List.of(prefix + name.replace('-', '_').toUpperCase(Locale.ROOT));
  }

  /** The source of an option's value after parsing; flags are recorded by the launcher. */
  public Source sourceOf(OptionSpec option, boolean matchedOnCommandLine) {
    if (matchedOnCommandLine) {
      return Source.FLAG;
    }
    return sources.getOrDefault(option.longestName(), Source.DEFAULT);
  }

  /** Rows "flag, variables, default" for the help footer, so --help shows both names. */
  public List<String[]> helpRows(CommandSpec spec) {
    List<String[]> rows = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      if (option.usageHelp() || option.versionHelp() || option.hidden()) {
        continue;
      }
      List<String> names = envNames(option);
      rows.add(new String[] {option.longestName(), String.join(", ", names) + " (or *_FILE)"});
    }
    return rows;
  }

  /**
   * Kubernetes caps a Secret or ConfigMap at 1 MiB; a larger "value" is a wrong path (a log, a disk
   * image), and reading it whole would cost the heap.
   */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  /**
   * Reads an option's value from a file. Errors name the variable, the path and what is wrong,
   * never the content. The file is checked before it is opened: a FIFO would block the start and a
   * device like /dev/zero would never end.
   */
  private static String readSecretFile(String variable, Path file) {
    BasicFileAttributes attrs;
    try {
      // Follows links: a mounted Secret's files are symlinks into its ..data directory.
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new ConfigurationException(variable, "file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigurationException(variable, "file " + file + " " + cannotRead(e));
    }
    if (attrs.isDirectory()) {
      throw new ConfigurationException(variable, "file " + file + " is a directory");
    }
    if (!attrs.isRegularFile()) {
      throw new ConfigurationException(
          variable, "file " + file + " is not a regular file (a FIFO, socket or device)");
    }
    if (attrs.size() > MAX_FILE_BYTES) {
      throw new ConfigurationException(
          variable, "file " + file + " is larger than 1 MiB (" + attrs.size() + " bytes)");
    }
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new ConfigurationException(variable, "file " + file + " is not valid UTF-8");
    } catch (NoSuchFileException e) {
      throw new ConfigurationException(variable, "file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigurationException(variable, "file " + file + " " + cannotRead(e));
    }
    // Secret files written by `echo` or kubectl end with a newline that is not part of the value.
    return content.endsWith("\r\n")
        ? content.substring(0, content.length() - 2)
        : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
  }

  /**
   * "cannot be read: permission denied" and the like. Only the reason the file system gave (errno
   * text): an exception's message may carry more than the path, and this line is logged.
   */
  private static String cannotRead(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "cannot be read: permission denied";
    }
    String reason = e instanceof FileSystemException fs ? fs.getReason() : null;
    return "cannot be read: "
        + (reason == null || reason.isBlank()
            ? e.getClass().getSimpleName()
            : reason.toLowerCase(Locale.ROOT));
  }
}
