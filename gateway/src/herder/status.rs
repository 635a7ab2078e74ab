//! In-memory `StatusBackingStore`: connector and task states as workers report them, plus
//! the topics each connector used (KIP-558). Updates for connectors the herder no longer
//! tracks are dropped, so a late report from a stopped task can't resurrect a deleted one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use crate::herder::{ConnectorState, ConnectorTaskId, State, TaskState};
use crate::worker::StatusListener;

#[derive(Debug, Clone)]
struct Entry {
    state: State,
    trace: Option<String>,
}

#[derive(Default)]
struct Inner {
    connectors: HashMap<String, Entry>,
    tasks: BTreeMap<ConnectorTaskId, Entry>,
    topics: BTreeMap<String, BTreeSet<String>>,
    versions: HashMap<String, String>,
}

pub struct StatusStore {
    worker_id: String,
    inner: Mutex<Inner>,
}

impl StatusStore {
    pub fn new(worker_id: String) -> Self {
        StatusStore {
            worker_id,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts tracking a connector (before any of its states are reported).
    pub fn track(&self, connector: &str, state: State, version: &str) {
        let mut g = self.lock();
        g.connectors
            .insert(connector.to_string(), Entry { state, trace: None });
        g.versions
            .insert(connector.to_string(), version.to_string());
    }

    pub fn forget(&self, connector: &str) {
        let mut g = self.lock();
        g.connectors.remove(connector);
        g.versions.remove(connector);
        g.tasks.retain(|id, _| id.connector != connector);
    }

    /// Drops task statuses at or above `count` (after a reconfiguration shrank the tasks).
    pub fn retain_tasks(&self, connector: &str, count: u32) {
        self.lock()
            .tasks
            .retain(|id, _| id.connector != connector || id.task < count);
    }

    pub fn set_task(&self, id: &ConnectorTaskId, state: State) {
        let mut g = self.lock();
        if g.connectors.contains_key(&id.connector) {
            g.tasks.insert(id.clone(), Entry { state, trace: None });
        }
    }

    pub fn connector(&self, name: &str) -> Option<ConnectorState> {
        let g = self.lock();
        g.connectors.get(name).map(|e| ConnectorState {
            state: e.state,
            worker_id: self.worker_id.clone(),
            trace: e.trace.clone(),
            version: g.versions.get(name).cloned(),
        })
    }

    pub fn current_state(&self, name: &str) -> Option<State> {
        self.lock().connectors.get(name).map(|e| e.state)
    }

    pub fn task(&self, id: &ConnectorTaskId) -> Option<TaskState> {
        let g = self.lock();
        g.tasks.get(id).map(|e| TaskState {
            id: id.task,
            state: e.state,
            worker_id: self.worker_id.clone(),
            trace: e.trace.clone(),
            version: g.versions.get(&id.connector).cloned(),
        })
    }

    pub fn tasks(&self, connector: &str) -> Vec<TaskState> {
        let ids: Vec<ConnectorTaskId> = self
            .lock()
            .tasks
            .keys()
            .filter(|id| id.connector == connector)
            .cloned()
            .collect();
        ids.iter().filter_map(|id| self.task(id)).collect()
    }

    pub fn topics(&self, connector: &str) -> Vec<String> {
        self.lock()
            .topics
            .get(connector)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub fn all_topics(&self) -> BTreeMap<String, BTreeSet<String>> {
        self.lock().topics.clone()
    }

    pub fn restore_topics(&self, topics: BTreeMap<String, BTreeSet<String>>) {
        self.lock().topics = topics;
    }

    pub fn reset_topics(&self, connector: &str) {
        self.lock().topics.remove(connector);
    }
}

impl StatusListener for StatusStore {
    fn connector_state(&self, connector: &str, state: State, trace: Option<String>) {
        let mut g = self.lock();
        if let Some(e) = g.connectors.get_mut(connector) {
            *e = Entry { state, trace };
        }
    }

    fn task_state(&self, id: &ConnectorTaskId, state: State, trace: Option<String>) {
        let mut g = self.lock();
        if !g.connectors.contains_key(&id.connector) {
            return;
        }
        // A stopped task reports UNASSIGNED; keep a FAILED state visible instead.
        if state == State::Unassigned {
            if let Some(e) = g.tasks.get(id) {
                if e.state == State::Failed {
                    return;
                }
            }
        }
        g.tasks.insert(id.clone(), Entry { state, trace });
    }

    fn topic_used(&self, connector: &str, topic: &str) {
        let mut g = self.lock();
        if g.connectors.contains_key(connector) {
            g.topics
                .entry(connector.to_string())
                .or_default()
                .insert(topic.to_string());
        }
    }
}
