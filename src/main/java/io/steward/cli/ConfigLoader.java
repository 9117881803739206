package io.steward.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads the YAML configuration file. Unknown keys are an error, named by their full path. */
public final class ConfigLoader {

    private final ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public StewardConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException missing) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException unreadable) {
            throw new ConfigException("cannot read config file " + file + ": " + unreadable.getMessage());
        }
        if (text.isBlank()) {
            return StewardConfig.empty();
        }
        try {
            return mapper.readValue(text, StewardConfig.class);
        } catch (UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf)
                    .sorted()
                    .collect(Collectors.joining(", "));
            throw new ConfigException(file + ": unknown key '" + path(unknown) + "' (known here: " + known + ")");
        } catch (MismatchedInputException wrongShape) {
            throw new ConfigException(file + ": '" + path(wrongShape) + "' has the wrong form (expected "
                    + expected(wrongShape.getTargetType()) + ")");
        } catch (JsonMappingException wrongShape) {
            throw new ConfigException(file + ": '" + path(wrongShape) + "' is not valid: "
                    + wrongShape.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (JsonProcessingException syntax) {
            throw new ConfigException(file + ": not valid YAML" + describeSyntaxError(syntax));
        }
    }

    /** The YAML parser's own words: its problem line and the line number of its mark, when it gives one. */
    private static String describeSyntaxError(JsonProcessingException syntax) {
        List<String> lines = syntax.getOriginalMessage()
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
        Matcher mark = Pattern.compile("line (\\d+), column (\\d+)").matcher(syntax.getOriginalMessage());
        String where = mark.find()
                ? " at line " + mark.group(1)
                : syntax.getLocation() == null
                        ? ""
                        : " at line " + syntax.getLocation().getLineNr();
        String problem = lines.stream()
                .filter(l -> !l.startsWith("in ") && !l.startsWith("while "))
                .findFirst()
                .orElse(lines.isEmpty() ? "" : lines.get(0));
        return where + ": " + problem;
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another form";
        }
        if (type == String.class) {
            return "a single value";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
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
