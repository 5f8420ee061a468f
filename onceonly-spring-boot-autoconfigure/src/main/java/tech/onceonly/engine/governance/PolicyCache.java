package tech.onceonly.engine.governance;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import tech.onceonly.store.GovernanceStore;
import tech.onceonly.store.PolicyRecord;

/**
 * Reads an agent's policy from the store on every call (so a change made through any
 * engine sharing the store applies at the next call) and parses its JSON only when it
 * changed.
 */
final class PolicyCache {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private static final int MAX_CACHED = 10_000;

	private final GovernanceStore store;

	private final JsonMapper json;

	private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

	PolicyCache(GovernanceStore store, JsonMapper json) {
		this.store = store;
		this.json = json;
	}

	PolicyRules rules(String agentId) {
		PolicyRecord record = this.store.getPolicy(agentId);
		if (record == null) {
			return PolicyRules.none();
		}
		Parsed cached = this.parsed.get(agentId);
		if (cached != null && cached.json().equals(record.policyJson())) {
			return cached.rules();
		}
		PolicyRules rules = PolicyRules.parse(read(record.policyJson()));
		if (this.parsed.size() >= MAX_CACHED) {
			this.parsed.clear();
		}
		this.parsed.put(agentId, new Parsed(record.policyJson(), rules));
		return rules;
	}

	Map<String, Object> read(String policyJson) {
		return this.json.readValue(policyJson, MAP);
	}

	private record Parsed(String json, PolicyRules rules) {
	}

}
