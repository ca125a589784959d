import Foundation

extension BuildCache {
    /// Every image id a cache entry names: the build's intermediate step images.
    var imageIDs: Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(names.filter { !$0.hasPrefix(".") }.compactMap(lookup))
    }
}

/// What the build cache holds, for commands outside the builder.
public enum BuildCacheContents {
    /// Image ids of the build's step images under `stateRoot` (`image ls` hides the untagged
    /// ones, as `docker image ls` hides intermediate images, unless `-a`).
    public static func stepImageIDs(stateRoot: String) -> Set<String> {
        BuildCache(stateRoot: stateRoot).imageIDs
    }
}
