import Foundation
import Images

/// Which images containers use, read from the runtime's records under
/// `<stateRoot>/containers/<id>/`: `state.json` and `config.json`, field `image` (an id or a
/// reference) and `lowerDirectories` (the snapshot directories, lowest first).
enum ContainerImageUsage {
    /// Ids of the images of every container under `stateRoot`. A record that cannot be read
    /// counts as nothing; an image reference that no longer resolves as nothing either (the
    /// lower directories still name the image).
    static func imageIDs(stateRoot: String, store: ImageStore) -> Set<String> {
        let containers = stateRoot + "/containers"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: containers) else { return [] }
        var ids = Set<String>()
        var topDirectories = Set<String>()
        for name in names {
            for file in ["state.json", "config.json"] {
                guard let data = FileManager.default.contents(atPath: "\(containers)/\(name)/\(file)"),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                else { continue }
                for key in ["image", "imageID", "imageId", "Image"] {
                    guard let value = object[key] as? String, !value.isEmpty else { continue }
                    if let image = try? store.image(value) { ids.insert(image.id) }
                }
                if let lower = object["lowerDirectories"] as? [String], let top = lower.last {
                    topDirectories.insert(top)
                }
            }
        }
        if let byDirectory = try? store.imageIDs(withTopLayerDirectoryIn: topDirectories) {
            ids.formUnion(byDirectory)
        }
        return ids
    }
}
