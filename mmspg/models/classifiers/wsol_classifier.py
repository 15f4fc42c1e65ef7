"""Image classifier that also returns localisation maps (WSOL)."""
from typing import Dict, List, Optional

import torch
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.structures import DataSample

from mmspg.registry import MODELS


@MODELS.register_module()
class WSOLClassifier(ImageClassifier):
    """mmpretrain ``ImageClassifier`` whose head also localises.

    The head (e.g. :class:`~mmspg.models.SPGHead`) receives the backbone's
    tuple of maps and, in ``predict``, the network input size, so the
    localisation maps it returns are at input resolution. Any mmpretrain
    backbone fits whose ``out_indices`` end with the three maps the head
    uses (shallow, middle, deep).

    Args: see :class:`mmpretrain.models.classifiers.ImageClassifier`.
    """

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                **kwargs) -> List[DataSample]:
        """Predict classes and localisation maps.

        Args:
            inputs (Tensor): (N, 3, H, W) preprocessed images.
            data_samples (list[DataSample], optional): Annotations; with
                ``gt_label`` the ground-truth map is added too.

        Returns:
            list[DataSample]: See ``SPGHead.predict``.
        """
        feats = self.extract_feat(inputs)
        return self.head.predict(
            feats, data_samples, input_size=tuple(inputs.shape[-2:]), **kwargs)

    @torch.no_grad()
    def guidance(self,
                 inputs: torch.Tensor,
                 data_samples: Optional[List[DataSample]] = None) -> Dict:
        """Attention, branch outputs and seed masks, for visualisation.

        Args:
            inputs (Tensor): (N, 3, H, W) preprocessed images.
            data_samples (list[DataSample], optional): If every sample has
                ``gt_label``, its CAM is the attention; else the top-1.

        Returns:
            dict: ``SPGHead.forward_guidance`` output (no gradient).
        """
        feats = self.extract_feat(inputs)
        labels = None
        if data_samples and all('gt_label' in ds for ds in data_samples):
            labels = torch.cat(
                [ds.gt_label.view(-1)[:1] for ds in data_samples])
        return self.head.forward_guidance(feats, labels)
