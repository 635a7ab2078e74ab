//! Reading committed source offsets (`OffsetStorageReader`).

use crate::record::SourceMap;

pub trait OffsetStorageReader: Send + Sync {
    /// The last committed offset for one source partition of this connector.
    fn offset(&self, partition: &SourceMap) -> Option<SourceMap>;
    fn offsets(&self, partitions: &[SourceMap]) -> Vec<(SourceMap, Option<SourceMap>)> {
        partitions
            .iter()
            .map(|p| (p.clone(), self.offset(p)))
            .collect()
    }
    /// Every committed partition and offset of this connector (a host runtime hands them
    /// to its own reader in one go).
    fn snapshot(&self) -> Vec<(SourceMap, SourceMap)> {
        Vec::new()
    }
}
