package io.steward.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.PropertyNamingStrategy;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the YAML configuration file. Unknown keys are an error. Every error names the file, the line and column,
 * and the full key path.
 */
final class ConfigLoader {

    private final ObjectMapper mapper;

    /** The main config file's reader: kebab-case keys. */
    ConfigLoader() {
        this(PropertyNamingStrategies.KEBAB_CASE);
    }

    /** @param naming how keys are spelt: kebab-case in the main config, snake_case in the web config */
    ConfigLoader(PropertyNamingStrategy naming) {
        this.mapper = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(naming)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    ConfigFile load(Path file) {
        Loaded<StewardConfig> loaded = read(file, "config file", StewardConfig.class, StewardConfig.empty());
        return new ConfigFile(
                loaded.where().name(), loaded.value(), loaded.where().positions());
    }

    /**
     * A file's values, with where each key is written ({@link ConfigFile#at}; its {@code values} are empty).
     *
     * @param kind what the file is, for messages: "config file", "web config file"
     * @param empty the values of a file that holds nothing but comments
     */
    <T> Loaded<T> read(Path file, String kind, Class<T> type, T empty) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException missing) {
            throw new ConfigException(kind + " " + file + " does not exist");
        } catch (IOException | UncheckedIOException unreadable) {
            throw new ConfigException("cannot read " + kind + " " + file + ": " + unreadable.getMessage());
        }
        String name = file.toString();
        Map<String, ConfigFile.Position> positions = positions(name, text);
        ConfigFile located = new ConfigFile(name, StewardConfig.empty(), positions);
        if (positions.isEmpty()) {
            return new Loaded<>(empty, located); // empty, or only comments
        }
        try {
            T value = mapper.readValue(text, type);
            return new Loaded<>(value == null ? empty : value, located);
        } catch (UnrecognizedPropertyException unknown) {
            throw new ConfigException(
                    located.at(path(unknown)) + ": unknown key (known: " + sorted(unknown.getKnownPropertyIds()) + ")");
        } catch (MismatchedInputException wrongShape) {
            throw new ConfigException(located.at(path(wrongShape)) + ": wrong form (expected "
                    + expected(wrongShape.getTargetType()) + ")");
        } catch (JsonMappingException invalid) {
            throw new ConfigException(located.at(path(invalid)) + ": not valid: "
                    + invalid.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (JsonProcessingException syntax) {
            throw notYaml(name, syntax);
        } catch (IOException | RuntimeException unreadable) {
            // The YAML parser's own failures that Jackson does not wrap (a document too deep, for one)
            throw new ConfigException(name + ": not valid YAML: " + unreadable.getMessage());
        }
    }

    /** A file's values and where their keys are written. */
    record Loaded<T>(T value, ConfigFile where) {}

    /**
     * Where each key and list item is written, by key path ({@code targets[0].uri}). Reading the tokens also finds
     * every YAML syntax error, before any value is looked at.
     */
    private Map<String, ConfigFile.Position> positions(String name, String text) {
        Map<String, ConfigFile.Position> positions = new HashMap<>();
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (!token.isStructEnd()) {
                    var location = parser.currentTokenLocation();
                    positions.putIfAbsent(
                            keyPath(parser.getParsingContext()),
                            new ConfigFile.Position(location.getLineNr(), location.getColumnNr()));
                }
            }
        } catch (JsonProcessingException syntax) {
            throw notYaml(name, syntax);
        } catch (IOException | RuntimeException unreadable) {
            throw new ConfigException(name + ": not valid YAML: " + unreadable.getMessage());
        }
        positions.remove("");
        return positions;
    }

    private static String keyPath(JsonStreamContext context) {
        if (context == null || context.inRoot()) {
            return "";
        }
        String parent = keyPath(context.getParent());
        if (context.inArray()) {
            return context.hasCurrentIndex() ? parent + "[" + context.getCurrentIndex() + "]" : parent;
        }
        String name = context.getCurrentName();
        return name == null ? parent : parent.isEmpty() ? name : parent + "." + name;
    }

    /** The YAML parser's own words, at the place of the problem. */
    private static ConfigException notYaml(String name, JsonProcessingException syntax) {
        List<String> lines = syntax.getOriginalMessage()
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
        String problem = lines.stream()
                .filter(l -> !l.startsWith("in ") && !l.startsWith("while ") && !l.equals("^"))
                .findFirst()
                .orElse(lines.isEmpty() ? "" : lines.get(0));
        String where = name;
        Mark mark = syntax.getCause() instanceof MarkedYAMLException marked ? marked.getProblemMark() : null;
        if (mark != null) {
            where += ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
        } else if (syntax.getLocation() != null) {
            where += ":" + syntax.getLocation().getLineNr() + ":"
                    + syntax.getLocation().getColumnNr();
        }
        return new ConfigException(where + ": not valid YAML: " + problem);
    }

    private static String sorted(Collection<Object> names) {
        return names.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another form";
        }
        if (type == String.class) {
            return "a single value";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a section of keys";
    }

    private static String path(JsonMappingException failure) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : failure.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
