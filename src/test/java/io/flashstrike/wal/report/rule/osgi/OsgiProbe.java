package io.flashstrike.wal.report.rule.osgi;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

import java.io.File;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.RunnableFuture;

/**
 * The child-JVM half of {@code JmcOsgiIT}: boots Equinox, installs the given bundle jars, and
 * does what JDK Mission Control does with a rule plug-in, printing one line per finding for the
 * test to assert on. It runs in its own JVM because an OSGi framework sets JVM-wide state (URL
 * stream handler factories, its own threads) that a test JVM must not keep.
 *
 * <p>Only the framework jar and this class are on the class path: JMC, the registry and our
 * plug-in are reached through bundles alone, so every JMC type is used by reflection.
 *
 * <p>Arguments: storage directory, recordings (comma-separated), bundle jars.
 * Output: {@code bundle BSN STATE}, {@code unresolved BSN: why}, {@code extension CONTRIBUTOR},
 * {@code rule ID CLASS loader=BSN}, {@code rule-error MESSAGE}, {@code severity FILE ID SEVERITY},
 * {@code probe-error THROWABLE}, {@code stopped true}.
 */
public final class OsgiProbe {
    /** JMC's extension point for rule plug-ins (ExtensionRuleProvider.EXTENSION_POINT). */
    static final String RULE_PROVIDER = "org.openjdk.jmc.flightrecorder.rules.ruleProvider";
    private static final String RULES_BUNDLE = "org.openjdk.jmc.flightrecorder.rules";

    private OsgiProbe() {
    }

    public static void main(String[] args) throws Exception {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework framework = factory.newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, args[0],
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
        try {
            BundleContext context = framework.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            for (int i = 2; i < args.length; i++) {
                bundles.add(context.installBundle(new File(args[i]).toURI().toString()));
            }
            framework.adapt(FrameworkWiring.class).resolveBundles(bundles);
            for (Bundle b : bundles) {
                start(b);
            }
            for (Bundle b : bundles) {
                System.out.println("bundle " + b.getSymbolicName() + " " + state(b.getState()));
            }
            try {
                List<Object> rules = rulesAsJmcFindsThem(context);
                Bundle rulesBundle = bySymbolicName(context, RULES_BUNDLE);
                for (String recording : args[1].split(",")) {
                    for (Object rule : rules) {
                        System.out.println("severity " + new File(recording).getName() + " " + call(rule, "getId")
                                + " " + evaluate(rulesBundle, rule, new File(recording)));
                    }
                }
            } catch (Exception | LinkageError e) {
                // What would escape ExtensionRuleProvider.getRules() (or an unresolved JMC) in JMC.
                System.out.println("probe-error " + e);
            }
        } finally {
            framework.stop();
            FrameworkEvent stopped = framework.waitForStop(30_000);
            System.out.println("stopped " + (stopped.getType() == FrameworkEvent.STOPPED));
        }
    }

    private static void start(Bundle b) {
        try {
            b.start();
        } catch (BundleException e) {
            // Equinox's message names the requirement that is missing.
            System.out.println("unresolved " + b.getSymbolicName() + ": " + e.getMessage().replace('\n', ' '));
        }
    }

    /**
     * ExtensionRuleProvider.getRules(): for each configuration element of the ruleProvider point,
     * the contributor's bundle, its wiring's class loader, and ServiceLoader.load(IRule, that
     * loader); a ServiceConfigurationError is logged and skipped there, printed here.
     */
    private static List<Object> rulesAsJmcFindsThem(BundleContext context) throws Exception {
        Bundle registryBundle = bySymbolicName(context, "org.eclipse.equinox.registry");
        Class<?> registryType = registryBundle.loadClass("org.eclipse.core.runtime.IExtensionRegistry");
        Class<?> elementType = registryBundle.loadClass("org.eclipse.core.runtime.IConfigurationElement");
        Class<?> contributorType = registryBundle.loadClass("org.eclipse.core.runtime.IContributor");
        ServiceReference<?> ref = context.getServiceReference(registryType.getName());
        if (ref == null) {
            System.out.println("no-registry");
            return List.of();
        }
        Object registry = context.getService(ref);
        Object[] elements = (Object[]) registryType.getMethod("getConfigurationElementsFor", String.class)
                .invoke(registry, RULE_PROVIDER);
        Class<?> ruleType = bySymbolicName(context, RULES_BUNDLE).loadClass("org.openjdk.jmc.flightrecorder.rules.IRule");
        List<Object> rules = new ArrayList<>();
        for (Object element : elements) {
            Object contributor = elementType.getMethod("getContributor").invoke(element);
            String name = (String) contributorType.getMethod("getName").invoke(contributor);
            System.out.println("extension " + name);
            Bundle bundle = bySymbolicName(context, name);
            ClassLoader cl = bundle.adapt(BundleWiring.class).getClassLoader();
            Iterator<?> it = ServiceLoader.load(ruleType, cl).iterator();
            // As there, hasNext() is outside the try: a NoClassDefFoundError from it is not caught.
            while (it.hasNext()) {
                try {
                    Object rule = it.next();
                    Bundle from = org.osgi.framework.FrameworkUtil.getBundle(rule.getClass());
                    System.out.println("rule " + call(rule, "getId") + " " + rule.getClass().getName()
                            + " loader=" + (from == null ? "none" : from.getSymbolicName()));
                    rules.add(rule);
                } catch (ServiceConfigurationError e) {
                    Throwable root = e;
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    System.out.println("rule-error " + e.getMessage() + " <- " + root);
                }
            }
        }
        return rules;
    }

    /** Platform.getBundle(name): the bundle of that symbolic name, as the registry's contributor names it. */
    private static Bundle bySymbolicName(BundleContext context, String name) {
        for (Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                return b;
            }
        }
        throw new IllegalStateException("no bundle " + name);
    }

    /** The rule's evaluation on a recording read with JMC's parser, default preferences, as JMC runs it. */
    private static String evaluate(Bundle rulesBundle, Object rule, File recording) throws Exception {
        Object items = rulesBundle.loadClass("org.openjdk.jmc.flightrecorder.JfrLoaderToolkit")
                .getMethod("loadEvents", File.class).invoke(null, recording);
        Class<?> prefs = rulesBundle.loadClass("org.openjdk.jmc.common.util.IPreferenceValueProvider");
        Class<?> itemsType = rulesBundle.loadClass("org.openjdk.jmc.common.item.IItemCollection");
        Class<?> resultsType = rulesBundle.loadClass("org.openjdk.jmc.flightrecorder.rules.IResultValueProvider");
        Class<?> ruleType = rulesBundle.loadClass("org.openjdk.jmc.flightrecorder.rules.IRule");
        RunnableFuture<?> evaluation = (RunnableFuture<?>) ruleType
                .getMethod("createEvaluation", itemsType, prefs, resultsType)
                .invoke(rule, items, prefs.getField("DEFAULT_VALUES").get(null), null);
        evaluation.run();
        Object result = evaluation.get();
        return String.valueOf(rulesBundle.loadClass("org.openjdk.jmc.flightrecorder.rules.IResult")
                .getMethod("getSeverity").invoke(result));
    }

    private static Object call(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        return m.invoke(target);
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }
}
