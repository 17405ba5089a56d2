package dev.entente.runtime;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key template of an annotation ({@code @Locked(key = "sku:{0}")}): text with placeholders over the
 * method's arguments. {@code {0}} is the first argument, {@code {1.id}} a property of the second (a
 * record component or accessor {@code id()}, else a getter {@code getId()} / {@code isId()}), and
 * properties chain ({@code {0.customer.id}}). Where the method's result is known ({@code @Publish}),
 * {@code {result}} and {@code {result.id}} name it. A template that does not resolve is an error naming
 * the method and the template.
 */
public final class KeyTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+|result)((?:\\.[A-Za-z_$][A-Za-z0-9_$]*)*)}");
    private static final int RESULT = -2;

    private record Part(String text, int argument, String[] properties) {
    }

    private final String template;
    private final String method;
    private final List<Part> parts = new ArrayList<>();

    /**
     * @param method         {@code Class.method}, for error messages
     * @param parameterCount the method's number of parameters, to reject placeholders beyond them now
     */
    public KeyTemplate(String template, String method, int parameterCount) {
        this(template, method, parameterCount, false);
    }

    /** @param resultKnown whether {@code {result}} may be used: the key is made after the method returned */
    public KeyTemplate(String template, String method, int parameterCount, boolean resultKnown) {
        this.template = template;
        this.method = method;
        if (template.isEmpty()) {
            throw new IllegalArgumentException(method + ": the key template is empty");
        }
        Matcher matcher = PLACEHOLDER.matcher(template);
        int end = 0;
        while (matcher.find()) {
            parts.add(new Part(template.substring(end, matcher.start()), -1, null));
            boolean result = matcher.group(1).equals("result");
            if (result && !resultKnown) {
                throw new IllegalArgumentException(method + ": key template '" + template
                        + "' names {result}, which is only known after the method returned (use it in @Publish)");
            }
            int argument = result ? RESULT : Integer.parseInt(matcher.group(1));
            if (argument >= parameterCount) {
                throw new IllegalArgumentException(method + ": key template '" + template + "' names argument " + argument
                        + " but the method takes " + parameterCount);
            }
            String path = matcher.group(2);
            parts.add(new Part(null, argument, path.isEmpty() ? new String[0] : path.substring(1).split("\\.")));
            end = matcher.end();
        }
        String rest = template.substring(end);
        if (rest.contains("{") || rest.contains("}")) {
            throw new IllegalArgumentException(method + ": key template '" + template
                    + "' has a malformed placeholder; use {0}, {1.id}, {2.customer.id}" + (resultKnown ? ", {result.id}" : ""));
        }
        parts.add(new Part(rest, -1, null));
    }

    /** The key for one call's {@code arguments}. */
    public String resolve(Object[] arguments) {
        return resolve(arguments, null);
    }

    /** The key for one call's {@code arguments} and {@code result}. */
    public String resolve(Object[] arguments, Object result) {
        StringBuilder key = new StringBuilder();
        for (Part part : parts) {
            if (part.text() != null) {
                key.append(part.text());
                continue;
            }
            Object value = part.argument() == RESULT ? result : arguments[part.argument()];
            StringBuilder path = new StringBuilder().append(part.argument() == RESULT ? "result" : part.argument());
            for (String property : part.properties()) {
                if (value == null) {
                    throw unresolved("{" + path + "} is null");
                }
                value = property(value, property, path);
                path.append('.').append(property);
            }
            key.append(value);
        }
        return key.toString();
    }

    private Object property(Object target, String name, StringBuilder path) {
        String capitalised = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String candidate : new String[] {name, "get" + capitalised, "is" + capitalised}) {
            Method accessor;
            try {
                accessor = target.getClass().getMethod(candidate);
            } catch (NoSuchMethodException e) {
                continue;
            }
            if (accessor.getReturnType() == void.class) {
                continue;
            }
            try {
                accessor.trySetAccessible();
                return accessor.invoke(target);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw unresolved("reading " + candidate + "() of {" + path + "} (a " + target.getClass().getName() + ") failed: " + e);
            }
        }
        throw unresolved("{" + path + "} (a " + target.getClass().getName() + ") has no property '" + name + "'");
    }

    private IllegalArgumentException unresolved(String why) {
        return new IllegalArgumentException(method + ": key template '" + template + "' does not resolve: " + why);
    }

    @Override
    public String toString() {
        return template;
    }
}
