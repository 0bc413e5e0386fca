package ca.metered.realtime.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The SDK is a named module that exports its API packages only, and no public signature of an
 * exported type mentions a type of a package it does not export (so nothing internal leaks: an
 * application could not even name such a type).
 */
class ModuleBoundaryTest {
    private static final Set<String> API = Set.of("ca.metered.realtime.client", "ca.metered.realtime.client.transport",
            "ca.metered.realtime.peer", "ca.metered.realtime.peer.rtc");

    @Test
    void theModuleExportsExactlyTheApiPackages() {
        Module m = SignallingClient.class.getModule();
        assertThat(m.isNamed()).as("tests run on the module path").isTrue();
        assertThat(m.getName()).isEqualTo("ca.metered.realtime.sdk");
        ModuleDescriptor d = m.getDescriptor();
        assertThat(d.exports()).allSatisfy(e -> assertThat(e.isQualified()).as(e.source()).isFalse());
        assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .isEqualTo(API);
        assertThat(m.isExported("ca.metered.realtime.client.internal")).isFalse();
        assertThat(m.isExported("ca.metered.realtime.peer.internal")).isFalse();
    }

    @Test
    void publicApiSignaturesNeverMentionAnInternalType() throws Exception {
        Module m = SignallingClient.class.getModule();
        ResolvedModule resolved = m.getLayer().configuration().findModule(m.getName()).orElseThrow();
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        try (ModuleReader reader = resolved.reference().open()) {
            for (String resource : reader.list().toList()) {
                if (!resource.endsWith(".class") || resource.endsWith("module-info.class")) {
                    continue;
                }
                String name = resource.substring(0, resource.length() - 6).replace('/', '.');
                Class<?> c = Class.forName(name, false, m.getClassLoader());
                if (!API.contains(c.getPackageName()) || !isVisible(c)) {
                    continue;
                }
                checked++;
                for (Type t : signatureTypes(c)) {
                    String leaked = leak(t);
                    if (leaked != null) {
                        leaks.add(c.getName() + " -> " + leaked);
                    }
                }
            }
        }
        assertThat(checked).as("API types found").isGreaterThan(50);
        assertThat(new TreeSet<>(leaks)).isEmpty();
    }

    private static boolean isVisible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static List<Type> signatureTypes(Class<?> c) {
        List<Type> out = new ArrayList<>();
        if (c.getGenericSuperclass() != null) {
            out.add(c.getGenericSuperclass());
        }
        out.addAll(List.of(c.getGenericInterfaces()));
        for (Method me : c.getDeclaredMethods()) {
            if (Modifier.isPublic(me.getModifiers()) || Modifier.isProtected(me.getModifiers())) {
                out.add(me.getGenericReturnType());
                out.addAll(List.of(me.getGenericParameterTypes()));
                out.addAll(List.of(me.getGenericExceptionTypes()));
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers())) {
                out.addAll(List.of(k.getGenericParameterTypes()));
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) || Modifier.isProtected(f.getModifiers())) {
                out.add(f.getGenericType());
            }
        }
        return out;
    }

    /** The first type in {@code t} from this module but not an API package, or {@code null}. */
    private static String leak(Type t) {
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            boolean ours = c.getModule() == SignallingClient.class.getModule();
            return ours && !API.contains(c.getPackageName()) ? c.getName() : null;
        }
        if (t instanceof ParameterizedType p) {
            String l = leak(p.getRawType());
            for (Type a : p.getActualTypeArguments()) {
                l = l != null ? l : leak(a);
            }
            return l;
        }
        if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                if (leak(b) != null) {
                    return leak(b);
                }
            }
            for (Type b : w.getLowerBounds()) {
                if (leak(b) != null) {
                    return leak(b);
                }
            }
        }
        return null;
    }
}
