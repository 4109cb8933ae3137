package dev.portcullis.config;

import dev.portcullis.config.validate.CrossChecks;
import dev.portcullis.config.validate.Endpoint;
import dev.portcullis.config.validate.Located;
import dev.portcullis.config.validate.Problems;
import java.util.ArrayList;
import java.util.List;

/** Binds {@code listeners}: each needs a unique name and a bind address. */
final class ListenerBinder {

    /**
     * The listeners that bound completely, and every bind address that parsed (for the port check
     * that also covers the admin listener).
     */
    record Listeners(List<ListenerConfig> configs, List<Located<Endpoint>> binds) {}

    private ListenerBinder() {}

    static Listeners bind(MappingReader top, Problems problems) {
        List<ListenerConfig> configs = new ArrayList<>();
        List<Located<String>> names = new ArrayList<>();
        List<Located<Endpoint>> binds = new ArrayList<>();
        for (MappingReader item : top.requiredItems("listeners", "listener", "name", "bind")) {
            String name = item.required("name", Values.name());
            BindAddress bind = item.required("bind", AddressValues.bind());
            if (name != null) {
                names.add(item.located("name", name));
            }
            if (bind != null) {
                binds.add(item.located("bind", new Endpoint(bind.host(), bind.port())));
            }
            if (name != null && bind != null) {
                configs.add(new ListenerConfig(name, bind));
            }
        }
        CrossChecks.uniqueNames(names, problems);
        return new Listeners(configs, binds);
    }
}
